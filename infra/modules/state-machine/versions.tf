terraform {
  # No providers on purpose: the module only renders the definition, so it can be applied (and
  # tested) without cloud credentials or provider downloads.
  required_version = ">= 1.6.0"
}
