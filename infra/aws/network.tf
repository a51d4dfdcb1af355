# Tasks only call out (RAWG, AWS APIs, Snowflake), all over HTTPS; nothing may connect in.
resource "aws_security_group" "tasks" {
  # checkov:skip=CKV2_AWS_5: attached at run time: the state machine passes it to every RunTask call.
  name        = "${var.name}-tasks"
  description = "Pipeline Fargate tasks: HTTPS out, nothing in"
  vpc_id      = var.vpc_id
  tags        = local.tags
}

resource "aws_vpc_security_group_egress_rule" "tasks_https" {
  security_group_id = aws_security_group.tasks.id
  description       = "HTTPS to the RAWG API, AWS APIs and Snowflake"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
  tags              = local.tags
}
