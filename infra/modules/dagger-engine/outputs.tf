output "service_name" {
  description = "ECS service that runs the engine."
  value       = aws_ecs_service.this.name
}

output "autoscaling_group_name" {
  description = "Auto Scaling group of the engine host."
  value       = aws_autoscaling_group.this.name
}

output "component" {
  description = "Value of the Component tag on the engine host, which session access is scoped to."
  value       = local.component
}
