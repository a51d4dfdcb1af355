resource "aws_sns_topic" "failures" {
  name              = "${var.name}-failures"
  kms_master_key_id = aws_kms_key.this.arn
  tags              = local.tags
}

resource "aws_sns_topic_subscription" "failure_emails" {
  for_each = toset(var.failure_notification_emails)

  topic_arn = aws_sns_topic.failures.arn
  protocol  = "email"
  endpoint  = each.value
}
