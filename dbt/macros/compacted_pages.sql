{#-
  The closed partitions `gmp compact` has compacted, as `gmp transform` listed them for this build
  (GMP_LAKE_COMPACTED, runs of days per endpoint and load, like the partitions listing): a build
  reads these from their Parquet parts and every other partition from its raw pages. Empty when
  dbt runs by hand: then every page is read from raw.
-#}
{% macro compacted_partitions(endpoint) -%}
  {%- set listed = env_var('GMP_LAKE_COMPACTED', '') -%}
  {%- set compacted = [] -%}
  {%- for load, ranges in ((fromjson(listed) if listed else {}).get(endpoint) or {}).items() -%}
    {%- for first, last in ranges -%}
      {%- set day = modules.datetime.date.fromisoformat(first) -%}
      {%- for offset in range((modules.datetime.date.fromisoformat(last) - day).days + 1) -%}
        {%- do compacted.append(load ~ '/' ~ (day + modules.datetime.timedelta(days=offset)).isoformat()) -%}
      {%- endfor -%}
    {%- endfor -%}
  {%- endfor -%}
  {{ return(compacted) }}
{%- endmacro %}

{#-
  DuckDB: the compacted source reads every part with one glob; here it becomes one glob per
  partition, so DuckDB opens only those parts. Same columns as lake_pages_of.
-#}
{% macro duckdb__compacted_pages_of(endpoint, partitions) -%}
  {%- set every_part = "/load=*/date=*/part-*.parquet'" -%}
  {%- set location = source('lake_compact', endpoint) | string -%}
  {%- if every_part not in location -%}
    {#- dbt's parse step renders models before sources have their location. -#}
    {{ return(location) }}
  {%- endif -%}
  {%- set head, tail = location.split(every_part) -%}
  {%- set opening = "read_parquet('" -%}
  {%- set cut = head.rfind(opening) -%}
  {%- set before, root = head[:cut], head[cut + opening | length:] -%}
  {%- set globs = [] -%}
  {%- for load, date in partitions -%}
    {%- do globs.append("'" ~ root ~ "/load=" ~ load ~ "/date=" ~ date ~ "/part-*.parquet'") -%}
  {%- endfor -%}
  (
    select
      value,
      load,
      date,
      regexp_matches(value, '"(next|previous)"\s*:\s*"[^"]*key=') as links_hold_key
    from {{ before ~ "read_parquet([" ~ globs | join(', ') ~ "]" ~ tail }}
  )
{%- endmacro %}

{#- Snowflake: the Parquet external table's row is {key, page}; the page's text parses to the same envelope as a raw page. -#}
{% macro snowflake__compacted_pages_of(endpoint, partitions) -%}
  (
    select
      value,
      load,
      date,
      coalesce(value:next::varchar like '%key=%', false) or coalesce(value:previous::varchar like '%key=%', false) as links_hold_key
    from (
      select parse_json(value:page::varchar) as value, load, date
      from {{ source('lake_compact', endpoint) }}
      where
        {%- for load, dates in partitions | groupby(0) %}
        (load = '{{ load }}' and date in ({% for partition in dates %}'{{ partition[1] }}'{{ ', ' if not loop.last }}{% endfor %})){{ ' or' if not loop.last }}
        {%- endfor %}
    )
  )
{%- endmacro %}
