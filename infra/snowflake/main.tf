locals {
  endpoints_file = coalesce(var.endpoints_file, "${path.module}/../../config/endpoints.json")
  endpoints      = { for e in jsondecode(file(local.endpoints_file)).endpoints : e.name => e }

  # Fixed by dbt's prod target: it reads <DATABASE>.RAW.<ENDPOINT> and builds into ANALYTICS.
  raw_schema       = "RAW"
  analytics_schema = "ANALYTICS"

  reader_role_arn = "arn:${var.aws_partition}:iam::${var.aws_account_id}:role/${var.aws_reader_role_name}"
  raw_url         = "s3://${var.lake_bucket_name}/raw/"
  compact_url     = "s3://${var.lake_bucket_name}/compact/"

  # raw/{endpoint}/load={snapshot|updated}/date={YYYY-MM-DD}/page={00001}.json, and for a window
  # of a deep listing raw/games/load=snapshot/date=D/window=updated~A~B/page=00001.json: only pages
  # are data; _manifest.json and _SUCCESS sit in the same folders and must stay out.
  page_pattern = ".*/load=(snapshot|updated)/date=[0-9]{4}-[0-9]{2}-[0-9]{2}/(window=[^/]+/)?page=[0-9]+([.]read[0-9]+)?[.]json"

  # raw/{endpoint}/load=items/date={YYYY-MM-DD}/item={id}.json for a resource fetched per item of
  # another (a game's detail): one item a file; the batch's _manifest.json, its _SUCCESS and an
  # item={id}.gone record stay out.
  item_pattern = ".*/load=items/date=[0-9]{4}-[0-9]{2}-[0-9]{2}/item=[0-9]+[.]json"

  # compact/{endpoint}/load=.../date=.../part-00000.parquet, written by `gmp compact`; the _SUCCESS
  # marker beside the parts stays out. dbt reads a partition here only once its marker exists.
  compact_part_pattern = ".*/load=(snapshot|updated)/date=[0-9]{4}-[0-9]{2}-[0-9]{2}/part-[0-9]+[.]parquet"

  # LOAD and DATE from the object key, the same for raw pages and compacted parts. A window is a
  # resume unit inside its snapshot, not a partition of the data: its pages carry the snapshot's
  # LOAD and DATE.
  partition_columns = {
    LOAD = { type = "VARCHAR", as = "SPLIT_PART(SPLIT_PART(METADATA$FILENAME, 'load=', 2), '/', 1)" }
    DATE = { type = "DATE", as = "TO_DATE(SPLIT_PART(SPLIT_PART(METADATA$FILENAME, 'date=', 2), '/', 1), 'YYYY-MM-DD')" }
  }
  partition_by = ["LOAD", "DATE"]

  # The two prefixes dbt reads, each with its file format, stage and one external table per
  # endpoint (infra/modules/lake-external-tables). Over compact/: external tables rather than COPY
  # INTO, so there is no load job to schedule and no second copy in Snowflake storage; the
  # incremental base models materialise each partition once.
  lake_prefixes = {
    raw = {
      url           = local.raw_url
      stage         = "LAKE_RAW"
      stage_comment = "The lake's raw/ prefix."
      file_format   = { type = "JSON", name = "RAW_PAGE_JSON", comment = "One API page envelope per file." }
      table_suffix  = ""
      pattern       = local.page_pattern
      item_pattern  = local.item_pattern
      holds         = "Raw pages"
    }
    compact = {
      url           = local.compact_url
      stage         = "LAKE_COMPACT"
      stage_comment = "The lake's compact/ prefix."
      file_format   = { type = "PARQUET", name = "COMPACT_PAGE_PARQUET", comment = "Compacted partitions: one row per API page, its key and its text." }
      table_suffix  = "_COMPACT"
      pattern       = local.compact_part_pattern
      item_pattern  = null
      holds         = "Compacted pages"
    }
  }
}

resource "snowflake_database" "this" {
  name    = var.database_name
  comment = "Video-game market data: raw lake pages and dbt marts."
}

resource "snowflake_schema" "raw" {
  database = snowflake_database.this.name
  name     = local.raw_schema
  comment  = "External tables over the lake's raw/ pages and items, one per endpoint."
}

resource "snowflake_schema" "analytics" {
  database = snowflake_database.this.name
  name     = local.analytics_schema
  comment  = "Models dbt builds (staging and marts)."
}

resource "snowflake_warehouse" "transform" {
  name                = var.warehouse_name
  warehouse_size      = "XSMALL"
  auto_suspend        = var.warehouse_auto_suspend_seconds
  auto_resume         = "true"
  initially_suspended = true
  comment             = "dbt builds; suspends itself when idle."
}

resource "snowflake_storage_integration_aws" "lake" {
  name                      = var.storage_integration_name
  enabled                   = true
  storage_provider          = "S3"
  storage_aws_role_arn      = local.reader_role_arn
  storage_allowed_locations = [local.raw_url, local.compact_url]
  comment                   = "Reads the lake's raw/ and compact/ prefixes through an IAM role."
}

# RAW.<ENDPOINT> over the raw pages and RAW.<ENDPOINT>_COMPACT over the compacted parts, with
# SELECT on each for the dbt role.
module "lake_prefix" {
  source   = "../modules/lake-external-tables"
  for_each = local.lake_prefixes

  database            = snowflake_database.this.name
  schema              = snowflake_schema.raw.name
  storage_integration = snowflake_storage_integration_aws.lake.name
  reader_role         = snowflake_account_role.dbt.name
  endpoints           = { for name, endpoint in local.endpoints : name => { path = endpoint.path, per_item = try(endpoint.perItemOf, null) != null } }
  partition_columns   = local.partition_columns
  partition_by        = local.partition_by
  prefix              = each.value
}

# Where these objects were before the module: moved, not replaced (a new external table would
# list no existing file, as refresh_on_create is off, and a replaced grant could be revoked last).
moved {
  from = snowflake_file_format_json.page
  to   = module.lake_prefix["raw"].snowflake_file_format_json.this[0]
}
moved {
  from = snowflake_stage_external_s3.raw
  to   = module.lake_prefix["raw"].snowflake_stage_external_s3.this
}
moved {
  from = snowflake_external_table.raw
  to   = module.lake_prefix["raw"].snowflake_external_table.endpoint
}
moved {
  from = snowflake_grant_privileges_to_account_role.external_table_select
  to   = module.lake_prefix["raw"].snowflake_grant_privileges_to_account_role.table_select
}
moved {
  from = snowflake_file_format_parquet.compact
  to   = module.lake_prefix["compact"].snowflake_file_format_parquet.this[0]
}
moved {
  from = snowflake_stage_external_s3.compact
  to   = module.lake_prefix["compact"].snowflake_stage_external_s3.this
}
moved {
  from = snowflake_external_table.compact
  to   = module.lake_prefix["compact"].snowflake_external_table.endpoint
}
moved {
  from = snowflake_grant_privileges_to_account_role.compact_table_select
  to   = module.lake_prefix["compact"].snowflake_grant_privileges_to_account_role.table_select
}
