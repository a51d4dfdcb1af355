data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.region
  partition  = data.aws_partition.current.partition

  tags = merge(var.tags, {
    Project   = var.name
    ManagedBy = "terraform"
  })

  lake_url = "s3://${var.lake_bucket_name}"
  # The only prefixes the pipeline's tasks may touch.
  lake_prefixes = ["raw/", "_runs/"]
}
