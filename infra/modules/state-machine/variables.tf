variable "lake_url" {
  description = "The lake the ingest task writes (LAKE_URL, s3://bucket[/prefix]); the planner saves each run's shards under _plans/ in it."
  type        = string

  validation {
    condition     = can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$", var.lake_url))
    error_message = "lake_url must be s3://bucket or s3://bucket/prefix."
  }
}

variable "partition" {
  description = "AWS partition of the service-integration ARNs (aws, aws-us-gov, aws-cn)."
  type        = string
  default     = "aws"

  validation {
    condition     = contains(["aws", "aws-us-gov", "aws-cn"], var.partition)
    error_message = "partition must be aws, aws-us-gov or aws-cn."
  }
}

variable "cluster_arn" {
  description = "ARN of the ECS cluster the ingest and transform tasks run in."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:ecs:[a-z0-9-]+:[0-9]{12}:cluster/.+$", var.cluster_arn))
    error_message = "cluster_arn must be an ECS cluster ARN."
  }
}

variable "ingest_task_definition_arn" {
  description = "ARN (with revision) of the Fargate task definition whose entrypoint is `gmp` (it runs the planner, the shards and the compaction)."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:ecs:[a-z0-9-]+:[0-9]{12}:task-definition/[A-Za-z0-9_-]+:[0-9]+$", var.ingest_task_definition_arn))
    error_message = "ingest_task_definition_arn must be an ECS task definition ARN with its revision."
  }
}

variable "transform_task_definition_arn" {
  description = "ARN (with revision) of the Fargate task definition that runs gmp transform (the CLI with the dbt venv)."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:ecs:[a-z0-9-]+:[0-9]{12}:task-definition/[A-Za-z0-9_-]+:[0-9]+$", var.transform_task_definition_arn))
    error_message = "transform_task_definition_arn must be an ECS task definition ARN with its revision."
  }
}

variable "ingest_container_name" {
  description = "Name of the container in the ingest task definition that receives the planner's and the shards' commands."
  type        = string
  default     = "ingest"
}

variable "transform_container_name" {
  description = "Name of the container in the transform task definition that receives the command override."
  type        = string
  default     = "transform"
}

variable "subnet_ids" {
  description = "Subnets the Fargate tasks are placed in."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) > 0 && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "subnet_ids needs at least one subnet ID (subnet-...)."
  }
}

variable "security_group_ids" {
  description = "Security groups attached to the Fargate tasks."
  type        = list(string)

  validation {
    condition     = length(var.security_group_ids) > 0 && alltrue([for s in var.security_group_ids : can(regex("^sg-[0-9a-f]+$", s))])
    error_message = "security_group_ids needs at least one security group ID (sg-...)."
  }
}

variable "assign_public_ip" {
  description = "Give the tasks a public IP (public subnets without a NAT gateway). Off for private subnets."
  type        = bool
  default     = false
}

variable "failure_topic_arn" {
  description = "SNS topic that receives a message when a run fails."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:sns:[a-z0-9-]+:[0-9]{12}:.+$", var.failure_topic_arn))
    error_message = "failure_topic_arn must be an SNS topic ARN."
  }
}

variable "shards" {
  description = "How many shards the planner deals a run's open work into (`gmp plan --shards`; a daily run's backfill gets up to as many more); each shard is one Fargate task."
  type        = number
  default     = 4
  nullable    = false

  validation {
    condition     = var.shards >= 1 && var.shards <= 100 && floor(var.shards) == var.shards
    error_message = "shards must be a whole number between 1 and 100."
  }
}

variable "max_concurrency" {
  description = <<-EOT
    How many shards run at the same time; at most `shards`. The shards together must respect the
    API's rate cap and the month's budget, and the planner's shard args carry both caps: each
    shard's --max-pages is its share of the budget, its --requests-per-second the configured rate
    divided by `shards`. More shards at once than `shards` would exceed the rate cap.
  EOT
  type        = number
  default     = 2
  nullable    = false

  validation {
    condition     = var.max_concurrency >= 1 && var.max_concurrency <= 40 && floor(var.max_concurrency) == var.max_concurrency
    error_message = "max_concurrency must be a whole number between 1 and 40."
  }
}

variable "plan_timeout_seconds" {
  description = "Upper bound for the planner task (it probes counts to split deep listings into windows)."
  type        = number
  default     = 1800

  validation {
    condition     = var.plan_timeout_seconds >= 60 && var.plan_timeout_seconds <= 86400
    error_message = "plan_timeout_seconds must be between 60 and 86400."
  }
}

variable "ingest_timeout_seconds" {
  description = "Upper bound for one shard's ingest task (the planner's --max-pages bounds its work)."
  type        = number
  default     = 10800

  validation {
    condition     = var.ingest_timeout_seconds >= 60 && var.ingest_timeout_seconds <= 86400
    error_message = "ingest_timeout_seconds must be between 60 and 86400."
  }
}

variable "compact_timeout_seconds" {
  description = "Upper bound for the compaction task (gmp compact --json on the ingest task definition)."
  type        = number
  default     = 3600

  validation {
    condition     = var.compact_timeout_seconds >= 60 && var.compact_timeout_seconds <= 86400
    error_message = "compact_timeout_seconds must be between 60 and 86400."
  }
}

variable "transform_timeout_seconds" {
  description = "Upper bound for gmp transform (the dbt build)."
  type        = number
  default     = 3600

  validation {
    condition     = var.transform_timeout_seconds >= 60 && var.transform_timeout_seconds <= 86400
    error_message = "transform_timeout_seconds must be between 60 and 86400."
  }
}

variable "external_table_refresh_wait_seconds" {
  description = "Pause between the last ingest and dbt, so that Snowflake's event-driven external-table refresh has registered the new pages."
  type        = number
  default     = 120

  validation {
    condition     = var.external_table_refresh_wait_seconds >= 0 && var.external_table_refresh_wait_seconds <= 3600
    error_message = "external_table_refresh_wait_seconds must be between 0 and 3600."
  }
}
