output "tables" {
  description = "Fully qualified name of each endpoint's external table, by endpoint."
  value       = { for name, table in snowflake_external_table.endpoint : name => table.fully_qualified_name }
}
