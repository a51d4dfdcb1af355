output "definition" {
  description = "The Amazon States Language definition (JSON) of the pipeline state machine."
  value       = jsonencode(local.definition)
}

output "endpoints" {
  description = "Endpoint names the definition fans out over, in catalogue order."
  value       = local.endpoint_names
}

output "incremental_endpoints" {
  description = "Endpoints whose daily run is incremental."
  value       = local.incremental_names
}
