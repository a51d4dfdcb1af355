module "state_machine_definition" {
  source = "../modules/state-machine"

  partition                     = local.partition
  lake_url                      = local.lake_url
  cluster_arn                   = aws_ecs_cluster.this.arn
  ingest_task_definition_arn    = aws_ecs_task_definition.this["ingest"].arn
  transform_task_definition_arn = aws_ecs_task_definition.this["transform"].arn
  subnet_ids                    = var.subnet_ids
  security_group_ids            = [aws_security_group.tasks.id]
  assign_public_ip              = var.assign_public_ip
  failure_topic_arn             = aws_sns_topic.failures.arn
  shards                        = var.ingest_shards
  max_concurrency               = var.max_concurrent_ingests
}

resource "aws_cloudwatch_log_group" "state_machine" {
  # The /aws/vendedlogs/ prefix keeps the log resource policy Step Functions needs small.
  name              = "/aws/vendedlogs/states/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this.arn
  tags              = local.tags
}

resource "aws_sfn_state_machine" "pipeline" {
  name       = var.name
  type       = "STANDARD"
  role_arn   = aws_iam_role.state_machine.arn
  definition = module.state_machine_definition.definition

  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.state_machine.arn}:*"
    include_execution_data = true
    level                  = "ALL"
  }

  tracing_configuration {
    enabled = true
  }

  tags = local.tags

  depends_on = [aws_iam_role_policy.state_machine]
}

data "aws_iam_policy_document" "state_machine_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "state_machine" {
  name               = "${var.name}-state-machine"
  assume_role_policy = data.aws_iam_policy_document.state_machine_assume.json
  tags               = local.tags
}

locals {
  cluster_tasks_arn = "arn:${local.partition}:ecs:${local.region}:${local.account_id}:task/${aws_ecs_cluster.this.name}/*"
  # Spelled out rather than referenced: the state machine itself depends on this policy.
  state_machine_arn = "arn:${local.partition}:states:${local.region}:${local.account_id}:stateMachine:${var.name}"
  # The Distributed Map's child executions are named <state machine>/<map run>:<child>.
  shard_executions_arn = "arn:${local.partition}:states:${local.region}:${local.account_id}:execution:${var.name}/*"
}

# Exactly the task definitions, exactly their roles, in this cluster only; the plans
# the planner saved; the Distributed Map's own child executions.
data "aws_iam_policy_document" "state_machine" {
  statement {
    sid       = "RunPipelineTasks"
    actions   = ["ecs:RunTask"]
    resources = [for task in aws_ecs_task_definition.this : task.arn]
    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [aws_ecs_cluster.this.arn]
    }
  }
  statement {
    sid       = "TagTasksAtLaunch"
    actions   = ["ecs:TagResource"]
    resources = [local.cluster_tasks_arn]
    condition {
      test     = "StringEquals"
      variable = "ecs:CreateAction"
      values   = ["RunTask"]
    }
  }
  statement {
    sid       = "FollowAndStopPipelineTasks"
    actions   = ["ecs:DescribeTasks", "ecs:StopTask"]
    resources = [local.cluster_tasks_arn]
  }
  statement {
    sid       = "PassTaskRoles"
    actions   = ["iam:PassRole"]
    resources = concat([for role in aws_iam_role.task_execution : role.arn], [for role in aws_iam_role.task : role.arn])
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }
  statement {
    # runTask.sync waits for the task through this managed EventBridge rule.
    sid       = "SyncTaskCompletionRule"
    actions   = ["events:PutTargets", "events:PutRule", "events:DescribeRule"]
    resources = ["arn:${local.partition}:events:${local.region}:${local.account_id}:rule/StepFunctionsGetEventsForECSTaskRule"]
  }
  statement {
    # The Distributed Map reads its items from _plans/<execution>/shards.json.
    sid       = "ReadRunPlans"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.lake.arn}/${local.plans_prefix}*"]
  }
  statement {
    sid       = "DecryptRunPlans"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.this.arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${local.region}.amazonaws.com"]
    }
  }
  statement {
    sid       = "StartShardExecutions"
    actions   = ["states:StartExecution"]
    resources = [local.state_machine_arn]
  }
  statement {
    sid       = "FollowAndStopShardExecutions"
    actions   = ["states:DescribeExecution", "states:StopExecution"]
    resources = [local.shard_executions_arn]
  }
  statement {
    sid       = "NotifyFailures"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.failures.arn]
  }
  statement {
    sid       = "EncryptNotifications"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.this.arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["sns.${local.region}.amazonaws.com"]
    }
  }
  statement {
    sid = "DeliverExecutionLogs"
    actions = [
      "logs:CreateLogDelivery",
      "logs:GetLogDelivery",
      "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies",
      "logs:DescribeLogGroups",
    ]
    resources = ["*"] # log delivery actions have no resource-level permissions
  }
  statement {
    sid       = "Tracing"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"]
    resources = ["*"] # X-Ray has no resource-level permissions for these
  }
}

resource "aws_iam_role_policy" "state_machine" {
  name   = "run-pipeline"
  role   = aws_iam_role.state_machine.id
  policy = data.aws_iam_policy_document.state_machine.json
}
