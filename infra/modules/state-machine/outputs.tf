output "definition" {
  description = "The Amazon States Language definition (JSON) of the pipeline state machine."
  value       = jsonencode(local.definition)
}
