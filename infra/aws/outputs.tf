output "lake_bucket_name" {
  description = "The lake bucket."
  value       = aws_s3_bucket.lake.bucket
}

output "lake_url" {
  description = "LAKE_URL the ingest task runs with."
  value       = local.lake_url
}

output "kms_key_arn" {
  description = "Key encrypting the lake, images, secrets, logs and the failure topic."
  value       = aws_kms_key.this.arn
}

output "repository_urls" {
  description = "ECR repository URLs to publish the ingest and transform images to."
  value       = { for k, repo in aws_ecr_repository.this : k => repo.repository_url }
}

output "secret_arns" {
  description = "Secrets to fill with put-secret-value before the first run."
  value = {
    rawg_api_key       = aws_secretsmanager_secret.rawg_api_key.arn
    snowflake_password = aws_secretsmanager_secret.snowflake_password.arn
  }
}

output "cluster_arn" {
  description = "ECS cluster running the tasks."
  value       = aws_ecs_cluster.this.arn
}

output "task_definition_arns" {
  description = "Task definitions the state machine runs."
  value       = { for name, task in aws_ecs_task_definition.this : name => task.arn }
}

output "state_machine_arn" {
  description = "Start a run with: aws stepfunctions start-execution --state-machine-arn <this> --input '{}'"
  value       = aws_sfn_state_machine.pipeline.arn
}

output "daily_schedule" {
  description = "The daily schedule's name and the execution input it sends."
  value       = { name = aws_scheduler_schedule.daily.name, input = local.daily_input }
}

output "failure_topic_arn" {
  description = "SNS topic that receives failed runs."
  value       = aws_sns_topic.failures.arn
}

output "github_deploy_role_arn" {
  description = "Role for aws-actions/configure-aws-credentials in this repository's workflows."
  value       = aws_iam_role.github_deploy.arn
}

output "snowflake_reader_role_arn" {
  description = "Role Snowflake's storage integration assumes; must equal the ARN the Snowflake stack was given."
  value       = aws_iam_role.snowflake_reader.arn
}

output "dagger_engine" {
  description = "Where the optional Dagger engine runs (null when disabled)."
  value = var.enable_dagger_engine ? {
    cluster           = aws_ecs_cluster.this.name
    service           = module.dagger_engine[0].service_name
    autoscaling_group = module.dagger_engine[0].autoscaling_group_name
    port              = var.dagger_engine_port
    instance_tag      = "Component=${module.dagger_engine[0].component}"
  } : null
}
