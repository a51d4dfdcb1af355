# Only the containers are created here. Values are put out of band
# (aws secretsmanager put-secret-value), so they never enter the Terraform state.
resource "aws_secretsmanager_secret" "rawg_api_key" {
  # checkov:skip=CKV2_AWS_57: a RAWG API key is issued by rawg.io and cannot be rotated by a Lambda; rotate it by putting a new value.
  name                    = "${var.name}/rawg-api-key"
  description             = "RAWG API key used by the ingest task"
  kms_key_id              = aws_kms_key.this.arn
  recovery_window_in_days = var.secret_recovery_window_days
  tags                    = local.tags
}

resource "aws_secretsmanager_secret" "snowflake_password" {
  # checkov:skip=CKV2_AWS_57: the dbt user's password (or programmatic access token) is set in Snowflake by an administrator; no rotation Lambda exists for it.
  name                    = "${var.name}/snowflake-password"
  description             = "Password (or programmatic access token) of the Snowflake user dbt connects as"
  kms_key_id              = aws_kms_key.this.arn
  recovery_window_in_days = var.secret_recovery_window_days
  tags                    = local.tags
}
