# Four roles, one job each: two execution roles (pull the image, write logs, read one secret)
# and two task roles (what the code inside may do).

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

resource "aws_iam_role" "ingest_execution" {
  name               = "${var.name}-ingest-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = local.tags
}

resource "aws_iam_role" "transform_execution" {
  name               = "${var.name}-transform-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = local.tags
}

resource "aws_iam_role" "ingest_task" {
  name               = "${var.name}-ingest-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = local.tags
}

resource "aws_iam_role" "transform_task" {
  name               = "${var.name}-transform-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = local.tags
}

# --- execution roles ---------------------------------------------------------------------------

data "aws_iam_policy_document" "ingest_execution" {
  statement {
    sid       = "EcrLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"] # the action has no resource-level permissions
  }
  statement {
    sid       = "PullIngestImage"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    resources = [aws_ecr_repository.this["ingest"].arn]
  }
  statement {
    sid       = "WriteIngestLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.task["ingest"].arn}:*"]
  }
  statement {
    sid       = "ReadRawgKey"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.rawg_api_key.arn]
  }
  statement {
    sid       = "DecryptSecret"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.this.arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${local.region}.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "transform_execution" {
  statement {
    sid       = "EcrLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"] # the action has no resource-level permissions
  }
  statement {
    sid       = "PullTransformImage"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    resources = [aws_ecr_repository.this["transform"].arn]
  }
  statement {
    sid       = "WriteTransformLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.task["transform"].arn}:*"]
  }
  statement {
    sid       = "ReadSnowflakePassword"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.snowflake_password.arn]
  }
  statement {
    sid       = "DecryptSecret"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.this.arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "ingest_execution" {
  name   = "pull-log-secret"
  role   = aws_iam_role.ingest_execution.id
  policy = data.aws_iam_policy_document.ingest_execution.json
}

resource "aws_iam_role_policy" "transform_execution" {
  name   = "pull-log-secret"
  role   = aws_iam_role.transform_execution.id
  policy = data.aws_iam_policy_document.transform_execution.json
}

# --- task roles --------------------------------------------------------------------------------

# Ingest (the planner and every shard) reads, writes and lists under its prefixes only; it
# never deletes.
data "aws_iam_policy_document" "ingest_task" {
  statement {
    sid       = "ListLakePrefixes"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.lake.arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = [for p in local.ingest_lake_prefixes : "${p}*"]
    }
  }
  statement {
    sid       = "ReadWriteLakeObjects"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = [for p in local.ingest_lake_prefixes : "${aws_s3_bucket.lake.arn}/${p}*"]
  }
  statement {
    sid       = "UseLakeKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.this.arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${local.region}.amazonaws.com"]
    }
  }
}

# dbt reads the lake through Snowflake's stage; the transform task itself may only read it.
data "aws_iam_policy_document" "transform_task" {
  statement {
    sid       = "ListLakePrefixes"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.lake.arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = [for p in local.transform_lake_prefixes : "${p}*"]
    }
  }
  statement {
    sid       = "ReadLakeObjects"
    actions   = ["s3:GetObject"]
    resources = [for p in local.transform_lake_prefixes : "${aws_s3_bucket.lake.arn}/${p}*"]
  }
  statement {
    sid       = "DecryptLakeObjects"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.this.arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "ingest_task" {
  name   = "lake-read-write"
  role   = aws_iam_role.ingest_task.id
  policy = data.aws_iam_policy_document.ingest_task.json
}

resource "aws_iam_role_policy" "transform_task" {
  name   = "lake-read"
  role   = aws_iam_role.transform_task.id
  policy = data.aws_iam_policy_document.transform_task.json
}
