variable "region" {
  description = "AWS region everything is created in."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must look like an AWS region code (for example the one your Snowflake account lives in)."
  }
}

variable "name" {
  description = "Prefix for every resource name; lets two deployments share an account."
  type        = string
  default     = "game-market-pipeline"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}$", var.name))
    error_message = "name must be 3-31 characters of lowercase letters, digits and dashes, starting with a letter."
  }
}

variable "tags" {
  description = "Tags added to every taggable resource, on top of Project and ManagedBy."
  type        = map(string)
  default     = {}
}

variable "lake_bucket_name" {
  description = "Globally unique name of the S3 bucket holding the lake (raw/ pages, _runs/ records, the _ledger/ of API spend, _plans/ of each run). The Snowflake stack uses the same name."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.lake_bucket_name)) && !can(regex("\\.\\.", var.lake_bucket_name))
    error_message = "lake_bucket_name must be a valid S3 bucket name (3-63 lowercase letters, digits, dots and dashes)."
  }
}

variable "noncurrent_version_retention_days" {
  description = "How long overwritten or deleted lake objects stay recoverable."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_retention_days >= 1
    error_message = "noncurrent_version_retention_days must be at least 1."
  }
}

variable "ingest_repository_name" {
  description = "ECR repository for the ingest image (entrypoint `gmp`)."
  type        = string
  default     = "game-market-pipeline/ingest"

  validation {
    condition     = can(regex("^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$", var.ingest_repository_name))
    error_message = "ingest_repository_name must be a valid ECR repository name."
  }
}

variable "transform_repository_name" {
  description = "ECR repository for the transform image (entrypoint `dbt`)."
  type        = string
  default     = "game-market-pipeline/transform"

  validation {
    condition     = can(regex("^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$", var.transform_repository_name))
    error_message = "transform_repository_name must be a valid ECR repository name."
  }
}

variable "image_tag" {
  description = "Tag of the published images the task definitions run (the tag `dagger call publish` pushed, e.g. a commit SHA). Tags are immutable."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag))
    error_message = "image_tag must be a valid image tag."
  }
}

variable "images_to_keep" {
  description = "How many images each repository keeps; older ones are expired."
  type        = number
  default     = 10

  validation {
    condition     = var.images_to_keep >= 1
    error_message = "images_to_keep must be at least 1."
  }
}

variable "vpc_id" {
  description = "VPC the tasks (and the optional Dagger engine) run in."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC ID (vpc-...)."
  }
}

variable "subnet_ids" {
  description = "Subnets for the Fargate tasks. Private subnets need a NAT gateway (or VPC endpoints); public ones need assign_public_ip = true."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) > 0 && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "subnet_ids needs at least one subnet ID (subnet-...)."
  }
}

variable "assign_public_ip" {
  description = "Give Fargate tasks a public IP, for public subnets without a NAT gateway. Inbound traffic stays closed either way."
  type        = bool
  default     = false
}

variable "ingest_cpu" {
  description = "Fargate CPU units for one ingest task (1024 = 1 vCPU)."
  type        = number
  default     = 512
}

variable "ingest_memory" {
  description = "Fargate memory (MiB) for one ingest task."
  type        = number
  default     = 1024
}

variable "transform_cpu" {
  description = "Fargate CPU units for the dbt task."
  type        = number
  default     = 1024
}

variable "transform_memory" {
  description = "Fargate memory (MiB) for the dbt task."
  type        = number
  default     = 2048
}

variable "cpu_architecture" {
  description = "CPU architecture the published images are built for."
  type        = string
  default     = "X86_64"

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture must be X86_64 or ARM64."
  }
}

variable "log_retention_days" {
  description = "Retention of every log group."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, ... 365, ... 3653)."
  }
}

variable "secret_recovery_window_days" {
  description = "Days a deleted secret can still be restored."
  type        = number
  default     = 7

  validation {
    condition     = var.secret_recovery_window_days == 0 || (var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30)
    error_message = "secret_recovery_window_days must be 0 or between 7 and 30."
  }
}

variable "snowflake_account" {
  description = "Snowflake account identifier given to dbt (ORGNAME-ACCOUNTNAME)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+$", var.snowflake_account))
    error_message = "snowflake_account must be an account identifier such as myorg-myaccount."
  }
}

variable "snowflake_user" {
  description = "Snowflake user dbt connects as (its password goes into the secret this stack creates)."
  type        = string
}

variable "snowflake_role" {
  description = "Snowflake role dbt uses; the Snowflake stack creates it."
  type        = string
  default     = "GAME_MARKET_DBT"
}

variable "snowflake_warehouse" {
  description = "Snowflake warehouse dbt uses; the Snowflake stack creates it."
  type        = string
  default     = "GAME_MARKET_TRANSFORM"
}

variable "snowflake_database" {
  description = "Snowflake database holding RAW (external tables) and ANALYTICS (dbt models)."
  type        = string
  default     = "GAME_MARKET"
}

variable "snowflake_reader_role_name" {
  description = "Name of the IAM role Snowflake assumes to read raw/; the Snowflake stack's storage integration points at it."
  type        = string
  default     = "game-market-pipeline-snowflake-reader"
}

variable "snowflake_storage_iam_user_arn" {
  description = "IAM user ARN of the Snowflake storage integration (output storage_aws_iam_user_arn of infra/snowflake)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:user/.+$", var.snowflake_storage_iam_user_arn))
    error_message = "snowflake_storage_iam_user_arn must be an IAM user ARN."
  }
}

variable "snowflake_storage_external_id" {
  description = "External ID of the Snowflake storage integration (output storage_aws_external_id of infra/snowflake)."
  type        = string

  validation {
    condition     = length(var.snowflake_storage_external_id) >= 2
    error_message = "snowflake_storage_external_id must not be empty."
  }
}

variable "snowflake_notification_queue_arn" {
  description = "SQS queue ARN Snowflake listens on for external-table auto refresh (notification_channel of SHOW EXTERNAL TABLES). Null until known: external tables then only refresh by hand."
  type        = string
  default     = null

  validation {
    condition     = var.snowflake_notification_queue_arn == null || can(regex("^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:.+$", var.snowflake_notification_queue_arn))
    error_message = "snowflake_notification_queue_arn must be an SQS queue ARN."
  }
}

variable "daily_schedule_expression" {
  description = "When the daily run starts (execution input {\"mode\":\"daily\"})."
  type        = string
  default     = "cron(0 4 * * ? *)"
}

variable "schedule_timezone" {
  description = "Time zone of the schedule expression."
  type        = string
  default     = "UTC"
}

variable "schedule_enabled" {
  description = "Turn the daily schedule on or off without destroying it. On by default: this is the deployment's scheduler, so leave pipeline.yml's schedule off when it is on."
  type        = bool
  default     = true
}

variable "ingest_shards" {
  description = "How many shards the planner splits a run's open work into; each shard is one Fargate ingest task."
  type        = number
  default     = 4
}

variable "max_concurrent_ingests" {
  description = "How many shards run at once, at most ingest_shards: the planner gives each shard the configured request rate divided by ingest_shards, and its share of the month's budget as --max-pages."
  type        = number
  default     = 2
}

variable "failure_notification_emails" {
  description = "Email addresses subscribed to the failure topic (each must confirm once)."
  type        = list(string)
  default     = []
}

variable "github_repository" {
  description = "GitHub repository (owner/name) whose workflows may assume the deploy role."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must be owner/name."
  }
}

variable "github_allowed_refs" {
  description = "Git refs whose workflow runs may assume the deploy role."
  type        = list(string)
  default     = ["refs/heads/main"]
}

variable "create_github_oidc_provider" {
  description = "Create the account's GitHub OIDC provider; set false when the account already has one."
  type        = bool
  default     = true
}

variable "enable_dagger_engine" {
  description = <<-EOT
    Run a Dagger engine for remote `dagger call` (from the scheduled workflow or a laptop). Off by default.
    Fargate forbids privileged containers and the engine needs one, so it runs on ECS with an EC2
    capacity provider in a private subnet, with its own encrypted EBS volume for its cache, and is
    reached through an SSM Session Manager port forward (TLS, IAM-authenticated; no inbound port).
  EOT
  type        = bool
  default     = false
}

variable "dagger_engine_subnet_ids" {
  description = "Private subnets for the Dagger engine instance (with a NAT gateway or VPC endpoints for ECS, SSM and registries)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for s in var.dagger_engine_subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "dagger_engine_subnet_ids must be subnet IDs (subnet-...)."
  }
}

variable "dagger_engine_image" {
  description = "Dagger engine image; keep its version equal to the Dagger CLI that calls it."
  type        = string
  default     = "registry.dagger.io/engine:v0.21.9"
}

variable "dagger_engine_instance_type" {
  description = "EC2 instance type of the engine host."
  type        = string
  default     = "m7i.large"
}

variable "dagger_engine_volume_size_gb" {
  description = "Size of the engine's cache volume."
  type        = number
  default     = 100

  validation {
    condition     = var.dagger_engine_volume_size_gb >= 20 && var.dagger_engine_volume_size_gb <= 16384
    error_message = "dagger_engine_volume_size_gb must be between 20 and 16384."
  }
}

variable "dagger_engine_port" {
  description = "Port the engine listens on, on the host's loopback side of the SSM port forward."
  type        = number
  default     = 1234
}
