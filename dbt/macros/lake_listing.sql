{#-
  The lake's closed partitions that `gmp transform` listed for this build, as runs of days per
  endpoint and load: {"games": {"updated": [["2024-05-01", "2024-05-31"]]}}; none when dbt runs
  by hand. It comes in the environment (GMP_LAKE_PARTITIONS), not as a --vars: a changed var makes
  dbt parse the whole project again, a changed env var only the files that read it.
-#}
{% macro lake_listing() -%}
  {%- set listed = env_var('GMP_LAKE_PARTITIONS', '') -%}
  {{ return(fromjson(listed) if listed else none) }}
{%- endmacro %}
