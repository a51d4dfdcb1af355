# dbt may: run on its warehouse, read the external tables (SELECT on each is granted beside it,
# in module.lake_prefix), build in ANALYTICS. Nothing else.
resource "snowflake_account_role" "dbt" {
  name    = var.dbt_role_name
  comment = "dbt: reads RAW external tables, builds ANALYTICS."
}

resource "snowflake_grant_account_role" "dbt_to_parent" {
  role_name        = snowflake_account_role.dbt.name
  parent_role_name = var.dbt_role_parent
}

resource "snowflake_grant_account_role" "dbt_to_user" {
  count = var.dbt_user_name == null ? 0 : 1

  role_name = snowflake_account_role.dbt.name
  user_name = var.dbt_user_name
}

resource "snowflake_grant_privileges_to_account_role" "warehouse_usage" {
  account_role_name = snowflake_account_role.dbt.name
  privileges        = ["USAGE"]
  on_account_object {
    object_type = "WAREHOUSE"
    object_name = snowflake_warehouse.transform.name
  }
}

resource "snowflake_grant_privileges_to_account_role" "database_usage" {
  account_role_name = snowflake_account_role.dbt.name
  privileges        = ["USAGE"]
  on_account_object {
    object_type = "DATABASE"
    object_name = snowflake_database.this.name
  }
}

resource "snowflake_grant_privileges_to_account_role" "raw_usage" {
  account_role_name = snowflake_account_role.dbt.name
  privileges        = ["USAGE"]
  on_schema {
    schema_name = snowflake_schema.raw.fully_qualified_name
  }
}

resource "snowflake_grant_privileges_to_account_role" "analytics_build" {
  account_role_name = snowflake_account_role.dbt.name
  privileges        = ["USAGE", "CREATE TABLE", "CREATE VIEW"]
  on_schema {
    schema_name = snowflake_schema.analytics.fully_qualified_name
  }
}
