output "storage_aws_iam_user_arn" {
  description = "Snowflake's IAM user; give it to infra/aws as snowflake_storage_iam_user_arn."
  value       = snowflake_storage_integration_aws.lake.describe_output[0].iam_user_arn
}

output "storage_aws_external_id" {
  description = "External ID; give it to infra/aws as snowflake_storage_external_id."
  value       = snowflake_storage_integration_aws.lake.describe_output[0].external_id
}

output "reader_role_arn" {
  description = "The AWS role the integration assumes (created by infra/aws)."
  value       = local.reader_role_arn
}

output "external_tables" {
  description = "External table per endpoint."
  value       = module.lake_prefix["raw"].tables
}

output "compact_tables" {
  description = "External table per endpoint over its compacted Parquet parts."
  value       = module.lake_prefix["compact"].tables
}

output "dbt_environment" {
  description = "Plain (non-secret) settings of dbt's prod target."
  value = {
    SNOWFLAKE_ROLE      = snowflake_account_role.dbt.name
    SNOWFLAKE_WAREHOUSE = snowflake_warehouse.transform.name
    SNOWFLAKE_DATABASE  = snowflake_database.this.name
  }
}
