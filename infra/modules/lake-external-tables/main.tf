# One prefix of the lake as Snowflake reads it: a named file format, an external stage on the
# prefix, one external table per endpoint, and SELECT on each for the reader role. The root stack
# calls it once per prefix (raw/ pages, compact/ parts).

# Snowflake has one file format resource per type; the prefix's type selects which one exists.
resource "snowflake_file_format_json" "this" {
  count = var.prefix.file_format.type == "JSON" ? 1 : 0

  database    = var.database
  schema      = var.schema
  name        = var.prefix.file_format.name
  compression = "AUTO"
  comment     = var.prefix.file_format.comment
}

resource "snowflake_file_format_parquet" "this" {
  count = var.prefix.file_format.type == "PARQUET" ? 1 : 0

  database    = var.database
  schema      = var.schema
  name        = var.prefix.file_format.name
  compression = "AUTO"
  comment     = var.prefix.file_format.comment
}

locals {
  # A per-item endpoint has a table only where the prefix holds items (raw/, never compact/).
  tables      = { for name, endpoint in var.endpoints : name => endpoint if !endpoint.per_item || var.prefix.item_pattern != null }
  file_format = one(concat(snowflake_file_format_json.this[*].fully_qualified_name, snowflake_file_format_parquet.this[*].fully_qualified_name))
}

resource "snowflake_stage_external_s3" "this" {
  database            = var.database
  schema              = var.schema
  name                = var.prefix.stage
  url                 = var.prefix.url
  storage_integration = var.storage_integration
  comment             = var.prefix.stage_comment

  file_format {
    format_name = local.file_format
  }
}

# VALUE holds the file's row (a page envelope, or a compacted {key, page}); the partition columns
# come from the hive-style path and prune partitions.
resource "snowflake_external_table" "endpoint" {
  for_each = local.tables

  database     = var.database
  schema       = var.schema
  name         = "${upper(each.key)}${var.prefix.table_suffix}"
  location     = "@${snowflake_stage_external_s3.this.fully_qualified_name}/${each.key}/"
  file_format  = "FORMAT_NAME = ${local.file_format}"
  pattern      = each.value.per_item ? var.prefix.item_pattern : var.prefix.pattern
  partition_by = var.partition_by
  # New files arrive through S3 event notifications (wired in infra/aws), so no manual refresh;
  # nothing is listed at creation, which lets this stack be applied before the AWS role exists.
  auto_refresh      = true
  refresh_on_create = false
  comment           = "${each.value.per_item ? "Items" : var.prefix.holds} of the ${each.key} endpoint (API path ${each.value.path})."

  dynamic "column" {
    for_each = var.partition_columns
    content {
      name = column.key
      type = column.value.type
      as   = column.value.as
    }
  }
}

resource "snowflake_grant_privileges_to_account_role" "table_select" {
  for_each = snowflake_external_table.endpoint

  account_role_name = var.reader_role
  privileges        = ["SELECT"]
  on_schema_object {
    object_type = "EXTERNAL TABLE"
    object_name = each.value.fully_qualified_name
  }
}
