# Optional Dagger engine for remote `dagger call` (infra/modules/dagger-engine says how it runs
# and how clients reach it). Off unless enable_dagger_engine.
module "dagger_engine" {
  source = "../modules/dagger-engine"
  count  = var.enable_dagger_engine ? 1 : 0

  name               = var.name
  cluster_name       = aws_ecs_cluster.this.name
  cluster_arn        = aws_ecs_cluster.this.arn
  vpc_id             = var.vpc_id
  subnet_ids         = var.dagger_engine_subnet_ids
  image              = var.dagger_engine_image
  instance_type      = var.dagger_engine_instance_type
  volume_size_gb     = var.dagger_engine_volume_size_gb
  port               = var.dagger_engine_port
  log_retention_days = var.log_retention_days
  kms_key_arn        = aws_kms_key.this.arn
  region             = local.region
  partition          = local.partition
  tags               = local.tags
}

# Where these resources were before the engine became a module: state moves, nothing is replaced.
moved {
  from = data.aws_ssm_parameter.ecs_optimized_ami[0]
  to   = module.dagger_engine[0].data.aws_ssm_parameter.ecs_optimized_ami
}
moved {
  from = aws_security_group.dagger_engine[0]
  to   = module.dagger_engine[0].aws_security_group.this
}
moved {
  from = aws_vpc_security_group_egress_rule.dagger_engine_https[0]
  to   = module.dagger_engine[0].aws_vpc_security_group_egress_rule.https
}
moved {
  from = aws_iam_role.dagger_engine_host[0]
  to   = module.dagger_engine[0].aws_iam_role.host
}
moved {
  from = aws_iam_instance_profile.dagger_engine_host[0]
  to   = module.dagger_engine[0].aws_iam_instance_profile.host
}
moved {
  from = aws_launch_template.dagger_engine[0]
  to   = module.dagger_engine[0].aws_launch_template.this
}
moved {
  from = aws_autoscaling_group.dagger_engine[0]
  to   = module.dagger_engine[0].aws_autoscaling_group.this
}
moved {
  from = aws_ecs_capacity_provider.dagger_engine[0]
  to   = module.dagger_engine[0].aws_ecs_capacity_provider.this
}
moved {
  from = aws_ecs_cluster_capacity_providers.this[0]
  to   = module.dagger_engine[0].aws_ecs_cluster_capacity_providers.this
}
moved {
  from = aws_cloudwatch_log_group.dagger_engine[0]
  to   = module.dagger_engine[0].aws_cloudwatch_log_group.this
}
moved {
  from = aws_ecs_task_definition.dagger_engine[0]
  to   = module.dagger_engine[0].aws_ecs_task_definition.this
}
moved {
  from = aws_ecs_service.dagger_engine[0]
  to   = module.dagger_engine[0].aws_ecs_service.this
}
moved {
  from = aws_iam_role_policy_attachment.dagger_engine_host
  to   = module.dagger_engine[0].aws_iam_role_policy_attachment.host
}
