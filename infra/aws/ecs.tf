resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  tags = local.tags
}

resource "aws_cloudwatch_log_group" "task" {
  for_each = toset(["ingest", "transform"])

  name              = "/ecs/${var.name}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this.arn
  tags              = local.tags
}

locals {
  # Root filesystems are read-only; these are the only writable paths, on task-local storage.
  ingest_scratch    = { tmp = "/tmp" }
  transform_scratch = { tmp = "/tmp", dbt-target = "/app/dbt/target", dbt-logs = "/app/dbt/logs" }
}

resource "aws_ecs_task_definition" "ingest" {
  family                   = "${var.name}-ingest"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.ingest_cpu
  memory                   = var.ingest_memory
  execution_role_arn       = aws_iam_role.ingest_execution.arn
  task_role_arn            = aws_iam_role.ingest_task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  dynamic "volume" {
    for_each = local.ingest_scratch
    content {
      name = volume.key
    }
  }

  # The image's entrypoint is `gmp`; the state machine supplies `plan ...`, then each shard's args.
  container_definitions = jsonencode([{
    name                   = "ingest"
    image                  = "${aws_ecr_repository.this["ingest"].repository_url}:${var.image_tag}"
    essential              = true
    readonlyRootFilesystem = true
    environment = [
      { name = "LAKE_URL", value = local.lake_url },
      { name = "AWS_REGION", value = local.region },
    ]
    secrets = [
      { name = "RAWG_API_KEY", valueFrom = aws_secretsmanager_secret.rawg_api_key.arn },
    ]
    mountPoints = [for name, path in local.ingest_scratch : { sourceVolume = name, containerPath = path, readOnly = false }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.task["ingest"].name
        awslogs-region        = local.region
        awslogs-stream-prefix = "ingest"
      }
    }
  }])

  tags = local.tags
}

resource "aws_ecs_task_definition" "transform" {
  family                   = "${var.name}-transform"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.transform_cpu
  memory                   = var.transform_memory
  execution_role_arn       = aws_iam_role.transform_execution.arn
  task_role_arn            = aws_iam_role.transform_task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  dynamic "volume" {
    for_each = local.transform_scratch
    content {
      name = volume.key
    }
  }

  # The image's entrypoint is `dbt` in /app/dbt; the state machine supplies `build --target prod`.
  container_definitions = jsonencode([{
    name                   = "transform"
    image                  = "${aws_ecr_repository.this["transform"].repository_url}:${var.image_tag}"
    essential              = true
    readonlyRootFilesystem = true
    environment = [
      { name = "SNOWFLAKE_ACCOUNT", value = var.snowflake_account },
      { name = "SNOWFLAKE_USER", value = var.snowflake_user },
      { name = "SNOWFLAKE_ROLE", value = var.snowflake_role },
      { name = "SNOWFLAKE_WAREHOUSE", value = var.snowflake_warehouse },
      { name = "SNOWFLAKE_DATABASE", value = var.snowflake_database },
      { name = "DBT_SEND_ANONYMOUS_USAGE_STATS", value = "false" },
    ]
    secrets = [
      { name = "SNOWFLAKE_PASSWORD", valueFrom = aws_secretsmanager_secret.snowflake_password.arn },
    ]
    mountPoints = [for name, path in local.transform_scratch : { sourceVolume = name, containerPath = path, readOnly = false }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.task["transform"].name
        awslogs-region        = local.region
        awslogs-stream-prefix = "transform"
      }
    }
  }])

  tags = local.tags
}
