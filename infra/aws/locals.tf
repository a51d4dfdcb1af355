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
  # The only prefixes the ingest task may touch: pages, run records, the request ledger, the
  # leases on units, the plans the planner saves (the state machine reads those), the compacted
  # partitions, the marker naming the API the lake is bound to, the fields of the items stored,
  # and the index of the games each sealed partition holds (the planner's choice of details).
  plans_prefix         = "_plans/"
  compact_prefix       = "compact/"
  origin_key           = "_origin.json"
  schema_prefix        = "_schema/"
  index_prefix         = "_index/"
  ingest_lake_prefixes = ["raw/", "_runs/", "_ledger/", "_leases/", local.plans_prefix, local.compact_prefix, local.origin_key, local.schema_prefix, local.index_prefix]
  # The transform task only reads what the warehouse is built from, and what its verdict says of
  # the catalogue: the ledger (the budget a backfill's pace follows) and the lake's origin, and of
  # the items' fields (schema drift).
  transform_lake_prefixes = ["raw/", "_runs/", local.compact_prefix, "_ledger/", local.origin_key, local.schema_prefix]
}
