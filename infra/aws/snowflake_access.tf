# The role Snowflake's storage integration assumes to read raw/ (and nothing else).
data "aws_iam_policy_document" "snowflake_reader_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = [var.snowflake_storage_iam_user_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = [var.snowflake_storage_external_id]
    }
  }
}

resource "aws_iam_role" "snowflake_reader" {
  name               = var.snowflake_reader_role_name
  assume_role_policy = data.aws_iam_policy_document.snowflake_reader_assume.json
  tags               = local.tags
}

data "aws_iam_policy_document" "snowflake_reader" {
  statement {
    sid       = "ListRaw"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.lake.arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["raw/*"]
    }
  }
  statement {
    sid       = "ReadRaw"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = ["${aws_s3_bucket.lake.arn}/raw/*"]
  }
  statement {
    sid       = "DecryptRaw"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.this.arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "snowflake_reader" {
  name   = "lake-raw-read"
  role   = aws_iam_role.snowflake_reader.id
  policy = data.aws_iam_policy_document.snowflake_reader.json
}

# External tables refresh themselves when S3 tells Snowflake's queue about new or removed pages.
resource "aws_s3_bucket_notification" "snowflake_auto_refresh" {
  count = var.snowflake_notification_queue_arn == null ? 0 : 1

  bucket = aws_s3_bucket.lake.id
  queue {
    queue_arn     = var.snowflake_notification_queue_arn
    events        = ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]
    filter_prefix = "raw/"
    filter_suffix = ".json"
  }
}
