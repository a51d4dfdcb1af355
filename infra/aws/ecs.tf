resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  tags = local.tags
}

resource "aws_cloudwatch_log_group" "task" {
  for_each = local.tasks

  name              = "/ecs/${var.name}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this.arn
  tags              = local.tags
}

# Both images have the entrypoint `gmp`; the state machine supplies each step's command:
# `plan ...`, each shard's args and `compact --json` on ingest, `transform --target prod` on
# transform.
resource "aws_ecs_task_definition" "this" {
  for_each = local.tasks

  family                   = "${var.name}-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = each.value.cpu
  memory                   = each.value.memory
  execution_role_arn       = aws_iam_role.task_execution[each.key].arn
  task_role_arn            = aws_iam_role.task[each.key].arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  dynamic "volume" {
    for_each = each.value.scratch
    content {
      name = volume.key
    }
  }

  container_definitions = jsonencode([{
    name                   = each.key
    image                  = "${aws_ecr_repository.this[each.key].repository_url}:${var.image_tag}"
    essential              = true
    readonlyRootFilesystem = true
    environment            = [for name, value in each.value.environment : { name = name, value = value }]
    secrets                = [for name, arn in each.value.secrets : { name = name, valueFrom = arn }]
    mountPoints            = [for name, path in each.value.scratch : { sourceVolume = name, containerPath = path, readOnly = false }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.task[each.key].name
        awslogs-region        = local.region
        awslogs-stream-prefix = each.key
      }
    }
  }])

  tags = local.tags
}

moved {
  from = aws_ecs_task_definition.ingest
  to   = aws_ecs_task_definition.this["ingest"]
}
moved {
  from = aws_ecs_task_definition.transform
  to   = aws_ecs_task_definition.this["transform"]
}
