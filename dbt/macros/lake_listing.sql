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

{#-
  The date of the newest complete snapshot of an endpoint, 'YYYY-MM-DD', or none. From
  GMP_LAKE_COMPLETE (the listing less capped partitions, which `gmp transform` also passes): a
  capped listing holds only what the API served up to its cap, so only a complete snapshot proves
  that an item it lacks is gone. None when dbt runs by hand: then nothing is marked deleted.
-#}
{% macro newest_complete_snapshot(endpoint) -%}
  {%- set listed = env_var('GMP_LAKE_COMPLETE', '') -%}
  {%- set ranges = ((fromjson(listed) if listed else {}).get(endpoint) or {}).get('snapshot') or [] -%}
  {{ return(ranges | map('last') | max if ranges else none) }}
{%- endmacro %}
