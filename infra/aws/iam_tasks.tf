# Two roles a task, one job each: the execution role (pull the image, write logs, read the
# task's secrets) and the task role (what the code inside may do).

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "task_execution" {
  for_each = local.tasks

  name               = "${var.name}-${each.key}-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = local.tags
}

resource "aws_iam_role" "task" {
  for_each = local.tasks

  name               = "${var.name}-${each.key}-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = local.tags
}

# --- execution roles ---------------------------------------------------------------------------

data "aws_iam_policy_document" "task_execution" {
  for_each = local.tasks

  statement {
    sid       = "EcrLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"] # the action has no resource-level permissions
  }
  statement {
    sid       = "PullImage"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    resources = [aws_ecr_repository.this[each.key].arn]
  }
  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.task[each.key].arn}:*"]
  }
  statement {
    sid       = "ReadSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = values(each.value.secrets)
  }
  statement {
    sid       = "DecryptSecrets"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.this.arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "task_execution" {
  for_each = local.tasks

  name   = "pull-log-secret"
  role   = aws_iam_role.task_execution[each.key].id
  policy = data.aws_iam_policy_document.task_execution[each.key].json
}

# --- task roles --------------------------------------------------------------------------------

# A task lists and uses objects under its lake prefixes only, with the actions its entry names.
data "aws_iam_policy_document" "task" {
  for_each = local.tasks

  statement {
    sid       = "ListLakePrefixes"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.lake.arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = [for p in each.value.lake_prefixes : "${p}*"]
    }
  }
  statement {
    sid       = "UseLakeObjects"
    actions   = each.value.lake_actions
    resources = [for p in each.value.lake_prefixes : "${aws_s3_bucket.lake.arn}/${p}*"]
  }
  statement {
    sid       = "UseLakeKey"
    actions   = each.value.lake_key_actions
    resources = [aws_kms_key.this.arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "task" {
  for_each = local.tasks

  name   = each.value.lake_policy
  role   = aws_iam_role.task[each.key].id
  policy = data.aws_iam_policy_document.task[each.key].json
}

# Addresses these resources had when each task was spelled out: state moves, nothing is replaced.
moved {
  from = aws_iam_role.ingest_execution
  to   = aws_iam_role.task_execution["ingest"]
}
moved {
  from = aws_iam_role.transform_execution
  to   = aws_iam_role.task_execution["transform"]
}
moved {
  from = aws_iam_role.ingest_task
  to   = aws_iam_role.task["ingest"]
}
moved {
  from = aws_iam_role.transform_task
  to   = aws_iam_role.task["transform"]
}
moved {
  from = aws_iam_role_policy.ingest_execution
  to   = aws_iam_role_policy.task_execution["ingest"]
}
moved {
  from = aws_iam_role_policy.transform_execution
  to   = aws_iam_role_policy.task_execution["transform"]
}
moved {
  from = aws_iam_role_policy.ingest_task
  to   = aws_iam_role_policy.task["ingest"]
}
moved {
  from = aws_iam_role_policy.transform_task
  to   = aws_iam_role_policy.task["transform"]
}
