# The role Snowflake's storage integration assumes to read raw/ and compact/ (and nothing else).
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

locals {
  # The external tables read the JSON pages and the compacted Parquet parts.
  snowflake_lake_prefixes = ["raw/", local.compact_prefix]
  snowflake_notified      = { raw = { prefix = "raw/", suffix = ".json" }, compact = { prefix = local.compact_prefix, suffix = ".parquet" } }
}

resource "aws_iam_role" "snowflake_reader" {
  name               = var.snowflake_reader_role_name
  assume_role_policy = data.aws_iam_policy_document.snowflake_reader_assume.json
  tags               = local.tags
}

data "aws_iam_policy_document" "snowflake_reader" {
  statement {
    sid       = "ListLake"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.lake.arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = [for p in local.snowflake_lake_prefixes : "${p}*"]
    }
  }
  statement {
    sid       = "ReadLake"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = [for p in local.snowflake_lake_prefixes : "${aws_s3_bucket.lake.arn}/${p}*"]
  }
  statement {
    sid       = "DecryptLake"
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
  name   = "lake-read"
  role   = aws_iam_role.snowflake_reader.id
  policy = data.aws_iam_policy_document.snowflake_reader.json
}

# External tables refresh themselves when S3 tells Snowflake's queue about new or removed pages
# and parts.
resource "aws_s3_bucket_notification" "snowflake_auto_refresh" {
  count = var.snowflake_notification_queue_arn == null ? 0 : 1

  bucket = aws_s3_bucket.lake.id
  dynamic "queue" {
    for_each = local.snowflake_notified
    content {
      id            = "snowflake-${queue.key}"
      queue_arn     = var.snowflake_notification_queue_arn
      events        = ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]
      filter_prefix = queue.value.prefix
      filter_suffix = queue.value.suffix
    }
  }
}
