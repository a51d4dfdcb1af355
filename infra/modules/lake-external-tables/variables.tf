variable "database" {
  description = "Database of the RAW schema."
  type        = string
}

variable "schema" {
  description = "Schema the file format, the stage and the external tables go in (RAW)."
  type        = string
}

variable "storage_integration" {
  description = "Storage integration the stage reads the bucket through."
  type        = string
}

variable "reader_role" {
  description = "Account role given SELECT on each external table (dbt's)."
  type        = string
}

variable "endpoints" {
  description = "Each endpoint by name: its API path, and whether it is fetched per item of another (stored one item a file, never compacted). One external table each, over <prefix>/<endpoint>/."
  type = map(object({
    path     = string
    per_item = bool
  }))
}

variable "partition_columns" {
  description = "Columns computed from the object key, by name."
  type = map(object({
    type = string
    as   = string
  }))
}

variable "partition_by" {
  description = "Names of partition_columns the tables partition on, in order."
  type        = list(string)
}

variable "prefix" {
  description = "The lake prefix: its URL, its stage, the format of its files, the table names and comments, and which keys are data (pattern: pages or parts; item_pattern: items of a per-item endpoint, null where the prefix holds none)."
  type = object({
    url           = string
    stage         = string
    stage_comment = string
    file_format = object({
      type    = string
      name    = string
      comment = string
    })
    table_suffix = string
    pattern      = string
    item_pattern = optional(string)
    holds        = string
  })

  validation {
    condition     = contains(["JSON", "PARQUET"], var.prefix.file_format.type)
    error_message = "prefix.file_format.type must be JSON or PARQUET."
  }
}
