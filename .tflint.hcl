# tflint for infra/: only the terraform ruleset bundled in the binary (no source, so nothing is
# downloaded), every rule of it. Local modules are followed.
config {
  call_module_type = "local"
}

plugin "terraform" {
  enabled = true
  preset  = "all"
}

# infra/aws is split by concern (s3.tf, ecs.tf, iam_tasks.tf, ...): it has no main.tf on purpose.
rule "terraform_standard_module_structure" {
  enabled = false
}

# Every variable typed and described (the preset leaves descriptions to choice).
rule "terraform_documented_variables" {
  enabled = true
}
