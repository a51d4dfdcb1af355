# The two Fargate tasks, described once: every role, policy, log group and task definition of a
# task is made from its entry here.
locals {
  tasks = {
    # The planner, every shard and the compaction: `gmp plan|ingest|compact`.
    ingest = {
      cpu    = var.ingest_cpu
      memory = var.ingest_memory
      # Root filesystems are read-only; these are the only writable paths, on task-local storage.
      scratch = { tmp = "/tmp" }
      environment = {
        LAKE_URL   = local.lake_url
        AWS_REGION = local.region
      }
      secrets       = { RAWG_API_KEY = aws_secretsmanager_secret.rawg_api_key.arn }
      lake_prefixes = local.ingest_lake_prefixes
      # Reads and writes (never deletes): pages, records, plans and Parquet parts are write-once.
      lake_policy      = "lake-read-write"
      lake_actions     = ["s3:GetObject", "s3:PutObject"]
      lake_key_actions = ["kms:Decrypt", "kms:GenerateDataKey"]
    }
    # `gmp transform --target prod`: lists the closed partitions, then dbt on Snowflake.
    transform = {
      cpu     = var.transform_cpu
      memory  = var.transform_memory
      scratch = { tmp = "/tmp", dbt-target = "/app/dbt/target", dbt-logs = "/app/dbt/logs" }
      environment = {
        LAKE_URL                       = local.lake_url
        AWS_REGION                     = local.region
        SNOWFLAKE_ACCOUNT              = var.snowflake_account
        SNOWFLAKE_USER                 = var.snowflake_user
        SNOWFLAKE_ROLE                 = var.snowflake_role
        SNOWFLAKE_WAREHOUSE            = var.snowflake_warehouse
        SNOWFLAKE_DATABASE             = var.snowflake_database
        DBT_SEND_ANONYMOUS_USAGE_STATS = "false"
      }
      secrets       = { SNOWFLAKE_PASSWORD = aws_secretsmanager_secret.snowflake_password.arn }
      lake_prefixes = local.transform_lake_prefixes
      # dbt reads the lake through Snowflake's stage; the task itself only lists the closed partitions.
      lake_policy      = "lake-read"
      lake_actions     = ["s3:GetObject"]
      lake_key_actions = ["kms:Decrypt"]
    }
  }
}
