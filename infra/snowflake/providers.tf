# Credentials come from the environment (SNOWFLAKE_ORGANIZATION_NAME, SNOWFLAKE_ACCOUNT_NAME,
# SNOWFLAKE_USER, SNOWFLAKE_PRIVATE_KEY or SNOWFLAKE_PASSWORD, SNOWFLAKE_ROLE); creating the
# storage integration needs ACCOUNTADMIN or the CREATE INTEGRATION privilege.
provider "snowflake" {
  # External tables are still a preview resource; the other per-type resources are listed so the
  # configuration also works on provider releases where they had not yet been promoted.
  preview_features_enabled = [
    "snowflake_external_table_resource",
    "snowflake_file_format_json_resource",
    "snowflake_file_format_parquet_resource",
    "snowflake_stage_external_s3_resource",
    "snowflake_storage_integration_aws_resource",
  ]
}
