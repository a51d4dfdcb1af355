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
  page_pattern = ".*/load=(snapshot|updated)/date=[0-9]{4}-[0-9]{2}-[0-9]{2}/(window=[^/]+/)?page=[0-9]+[.]json"

  # compact/{endpoint}/load=.../date=.../part-00000.parquet, written by `gmp compact`; the _SUCCESS
  # marker beside the parts stays out. dbt reads a partition here only once its marker exists.
  compact_part_pattern = ".*/load=(snapshot|updated)/date=[0-9]{4}-[0-9]{2}-[0-9]{2}/part-[0-9]+[.]parquet"

  # LOAD and DATE from the object key, the same for raw pages and compacted parts.
  partition_columns = {
    LOAD = { type = "VARCHAR", as = "SPLIT_PART(SPLIT_PART(METADATA$FILENAME, 'load=', 2), '/', 1)" }
    DATE = { type = "DATE", as = "TO_DATE(SPLIT_PART(SPLIT_PART(METADATA$FILENAME, 'date=', 2), '/', 1), 'YYYY-MM-DD')" }
  }
}

resource "snowflake_database" "this" {
  name    = var.database_name
  comment = "Video-game market data: raw lake pages and dbt marts."
}

resource "snowflake_schema" "raw" {
  database = snowflake_database.this.name
  name     = local.raw_schema
  comment  = "External tables over the lake's raw/ pages, one per endpoint."
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

resource "snowflake_file_format_json" "page" {
  database    = snowflake_database.this.name
  schema      = snowflake_schema.raw.name
  name        = "RAW_PAGE_JSON"
  compression = "AUTO"
  comment     = "One API page envelope per file."
}

resource "snowflake_stage_external_s3" "raw" {
  database            = snowflake_database.this.name
  schema              = snowflake_schema.raw.name
  name                = "LAKE_RAW"
  url                 = local.raw_url
  storage_integration = snowflake_storage_integration_aws.lake.name
  comment             = "The lake's raw/ prefix."

  file_format {
    format_name = snowflake_file_format_json.page.fully_qualified_name
  }
}

# One external table per endpoint of config/endpoints.json: VALUE holds the page envelope,
# LOAD and DATE come from the hive-style path and prune partitions. A window is a resume unit
# inside its snapshot, not a partition of the data: its pages carry the snapshot's LOAD and DATE.
resource "snowflake_external_table" "raw" {
  for_each = local.endpoints

  database     = snowflake_database.this.name
  schema       = snowflake_schema.raw.name
  name         = upper(each.key)
  location     = "@${snowflake_stage_external_s3.raw.fully_qualified_name}/${each.key}/"
  file_format  = "FORMAT_NAME = ${snowflake_file_format_json.page.fully_qualified_name}"
  pattern      = local.page_pattern
  partition_by = ["LOAD", "DATE"]
  # New pages arrive through S3 event notifications (wired in infra/aws), so no manual refresh;
  # nothing is listed at creation, which lets this stack be applied before the AWS role exists.
  auto_refresh      = true
  refresh_on_create = false
  comment           = "Raw pages of the ${each.key} endpoint (API path ${each.value.path})."

  dynamic "column" {
    for_each = local.partition_columns
    content {
      name = column.key
      type = column.value.type
      as   = column.value.as
    }
  }
}

resource "snowflake_file_format_parquet" "compact" {
  database    = snowflake_database.this.name
  schema      = snowflake_schema.raw.name
  name        = "COMPACT_PAGE_PARQUET"
  compression = "AUTO"
  comment     = "Compacted partitions: one row per API page, its key and its text."
}

resource "snowflake_stage_external_s3" "compact" {
  database            = snowflake_database.this.name
  schema              = snowflake_schema.raw.name
  name                = "LAKE_COMPACT"
  url                 = local.compact_url
  storage_integration = snowflake_storage_integration_aws.lake.name
  comment             = "The lake's compact/ prefix."

  file_format {
    format_name = snowflake_file_format_parquet.compact.fully_qualified_name
  }
}

# One external table per endpoint over its compacted Parquet parts: no load job to schedule, no
# second copy in Snowflake storage, pruned by the same LOAD and DATE path columns; the incremental
# base models materialise each partition once. VALUE is the row, {key, page}.
resource "snowflake_external_table" "compact" {
  for_each = local.endpoints

  database          = snowflake_database.this.name
  schema            = snowflake_schema.raw.name
  name              = "${upper(each.key)}_COMPACT"
  location          = "@${snowflake_stage_external_s3.compact.fully_qualified_name}/${each.key}/"
  file_format       = "FORMAT_NAME = ${snowflake_file_format_parquet.compact.fully_qualified_name}"
  pattern           = local.compact_part_pattern
  partition_by      = ["LOAD", "DATE"]
  auto_refresh      = true
  refresh_on_create = false
  comment           = "Compacted pages of the ${each.key} endpoint (API path ${each.value.path})."

  dynamic "column" {
    for_each = local.partition_columns
    content {
      name = column.key
      type = column.value.type
      as   = column.value.as
    }
  }
}
