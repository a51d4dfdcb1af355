variable "endpoints_file" {
  description = "Path to the endpoints file. Null means the repository's config/endpoints.json."
  type        = string
  default     = null
}

variable "lake_bucket_name" {
  description = "Name of the S3 lake bucket (the same value as in infra/aws)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.lake_bucket_name))
    error_message = "lake_bucket_name must be a valid S3 bucket name."
  }
}

variable "aws_account_id" {
  description = "AWS account that holds the lake; with aws_reader_role_name it names the role Snowflake assumes."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.aws_account_id))
    error_message = "aws_account_id must be 12 digits."
  }
}

variable "aws_partition" {
  description = "AWS partition of that account."
  type        = string
  default     = "aws"

  validation {
    condition     = contains(["aws", "aws-us-gov", "aws-cn"], var.aws_partition)
    error_message = "aws_partition must be aws, aws-us-gov or aws-cn."
  }
}

variable "aws_reader_role_name" {
  description = "IAM role infra/aws creates for Snowflake (its snowflake_reader_role_name)."
  type        = string
  default     = "game-market-pipeline-snowflake-reader"
}

variable "database_name" {
  description = "Database holding RAW (external tables over the lake) and ANALYTICS (dbt models)."
  type        = string
  default     = "GAME_MARKET"
}

variable "warehouse_name" {
  description = "Warehouse dbt runs on."
  type        = string
  default     = "GAME_MARKET_TRANSFORM"
}

variable "warehouse_auto_suspend_seconds" {
  description = "Idle seconds before the warehouse suspends (and stops costing credits)."
  type        = number
  default     = 60

  validation {
    condition     = var.warehouse_auto_suspend_seconds >= 60
    error_message = "warehouse_auto_suspend_seconds must be at least 60 (Snowflake bills a minimum of 60 s per resume anyway)."
  }
}

variable "storage_integration_name" {
  description = "Storage integration delegating lake reads to the AWS role."
  type        = string
  default     = "GAME_MARKET_LAKE"
}

variable "dbt_role_name" {
  description = "Account role dbt uses."
  type        = string
  default     = "GAME_MARKET_DBT"
}

variable "dbt_role_parent" {
  description = "Role the dbt role is granted to, so administrators inherit what dbt builds."
  type        = string
  default     = "SYSADMIN"
}

variable "dbt_user_name" {
  description = "Existing user dbt connects as (created by an administrator with its own credential); null to grant the role by hand."
  type        = string
  default     = null
}
