# One customer-managed key for everything at rest: lake objects, images, secrets, logs, the topic.
resource "aws_kms_key" "this" {
  description             = "${var.name}: lake, images, secrets, logs and notifications"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms_key.json
  tags                    = local.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}

# In a key policy "*" means "this key"; the statements below scope who may use it and how.
data "aws_iam_policy_document" "kms_key" {
  # checkov:skip=CKV_AWS_109: a key policy's resource is always "*" (the key itself); access is scoped by principal.
  # checkov:skip=CKV_AWS_111: same: "*" in a key policy names only this key.
  # checkov:skip=CKV_AWS_356: same: KMS key policies cannot name another resource.
  statement {
    sid       = "AccountAdministersKey"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchLogsEncryptsThisDeploymentsLogGroups"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*${var.name}*"]
    }
  }
}
