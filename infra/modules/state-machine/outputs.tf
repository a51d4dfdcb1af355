output "definition" {
  description = "The Amazon States Language definition (JSON) of the pipeline state machine."
  value       = jsonencode(local.definition)

  precondition {
    # Each shard runs at the configured rate divided by `shards` (the planner's args say so).
    condition     = var.max_concurrency <= var.shards
    error_message = "max_concurrency must not exceed shards: each shard is given the API's rate cap divided by shards, so more at once would exceed it."
  }
}
