{#-
  The pages of an endpoint that this build reads: the complete partitions that `gmp transform`
  found in the lake (lake_listing(), runs of days per endpoint and load) less those the
  model already holds, so a daily build reads one day and not the history. Used by the base
  models, which are incremental on (partition_load, partition_date).
      from {{ lake_pages('games') }} as pages      -- columns value, load, date, links_hold_key
  Without a listing (dbt run by hand), every page is read, and held partitions are skipped after.
-#}
{% macro lake_pages(endpoint) -%}
  {%- set partitions = partitions_to_read(endpoint) -%}
  {%- if partitions is none -%}
    (
      select pages.*
      from {{ adapter.dispatch('lake_pages_of', 'game_market')(endpoint, none) }} as pages
      {%- if is_incremental() %}
      where not exists (
          select 1 from {{ this }} as held
          where held.partition_load = pages.load and held.partition_date = pages.date
      )
      {%- endif %}
    )
  {%- else -%}
    {#- A compacted partition is read from its Parquet parts, the others from their pages. -#}
    {%- set compacted = compacted_partitions(endpoint) -%}
    {%- set from_pages, from_parts = [], [] -%}
    {%- for partition in partitions -%}
      {%- do (from_parts if (partition[0] ~ '/' ~ partition[1]) in compacted else from_pages).append(partition) -%}
    {%- endfor -%}
    {%- if from_parts -%}
    (
      select * from {{ adapter.dispatch('lake_pages_of', 'game_market')(endpoint, from_pages) }} as pages
      union all
      select * from {{ adapter.dispatch('compacted_pages_of', 'game_market')(endpoint, from_parts) }} as parts
    )
    {%- else -%}
    {{ adapter.dispatch('lake_pages_of', 'game_market')(endpoint, partitions) }}
    {%- endif -%}
  {%- endif -%}
{%- endmacro %}

{#- [(load, 'YYYY-MM-DD'), ...] to read, sorted; none when the build was given no lake listing. -#}
{% macro partitions_to_read(endpoint) -%}
  {%- set listing = lake_listing() -%}
  {%- if listing is none -%}
    {{ return(none) }}
  {%- endif -%}
  {%- set held = [] -%}
  {%- if execute and is_incremental() -%}
    {%- set rows = run_query('select distinct partition_load, cast(partition_date as varchar) from ' ~ this) -%}
    {%- for row in rows -%}
      {%- do held.append(row[0] ~ '/' ~ row[1]) -%}
    {%- endfor -%}
  {%- endif -%}
  {%- set wanted = [] -%}
  {%- for load, ranges in (listing.get(endpoint) or {}).items() -%}
    {%- for first, last in ranges -%}
      {%- set day = modules.datetime.date.fromisoformat(first) -%}
      {%- set days = (modules.datetime.date.fromisoformat(last) - day).days -%}
      {%- for offset in range(days + 1) -%}
        {%- set date = (day + modules.datetime.timedelta(days=offset)).isoformat() -%}
        {%- if (load ~ '/' ~ date) not in held -%}
          {%- do wanted.append((load, date)) -%}
        {%- endif -%}
      {%- endfor -%}
    {%- endfor -%}
  {%- endfor -%}
  {{ return(wanted | sort) }}
{%- endmacro %}

{#-
  DuckDB: the dev source reads every page with one glob; here the glob becomes one per partition
  to read, so DuckDB lists and opens only those folders. The source's own location (LAKE_URL,
  quoted and glob-escaped where it is generated) is kept as it is: only its partition part changes.
-#}
{% macro duckdb__lake_pages_of(endpoint, partitions) -%}
  {%- set every_page = "/load=*/date=*/**/page=*.json'" -%}
  {%- set location = source('lake', endpoint) | string -%}
  {%- if every_page not in location -%}
    {#- dbt's parse step renders models before sources have their location. -#}
    {{ return(location) }}
  {%- endif -%}
  {%- set head, tail = location.split(every_page) -%}
  {%- set opening = "read_text('" -%}
  {%- set cut = head.rfind(opening) -%}
  {%- set before, root = head[:cut], head[cut + opening | length:] -%}
  {%- if partitions is none -%}
    {%- set read = location -%}
  {%- elif partitions | length == 0 -%}
    {%- set read = "(select null::varchar as value, null::varchar as load, null::date as date where false)" -%}
  {%- else -%}
    {%- set globs = [] -%}
    {%- for load, date in partitions -%}
      {%- do globs.append("'" ~ root ~ "/load=" ~ load ~ "/date=" ~ date ~ "/**/page=*.json'") -%}
    {%- endfor -%}
    {%- set read = before ~ "read_text([" ~ globs | join(', ') ~ "]" ~ tail -%}
  {%- endif -%}
  (
    select
      value,
      load,
      date,
      -- The links are the only place a key could be left; the pattern reads them without a parse.
      regexp_matches(value, '"(next|previous)"\s*:\s*"[^"]*key=') as links_hold_key
    from {{ read }}
  )
{%- endmacro %}

{#- Snowflake: the external table's partition columns; literal values prune its files. -#}
{% macro snowflake__lake_pages_of(endpoint, partitions) -%}
  (
    select
      value,
      load,
      date,
      coalesce(value:next::varchar like '%key=%', false)
        or coalesce(value:previous::varchar like '%key=%', false) as links_hold_key
    from {{ source('lake', endpoint) }}
    {%- if partitions is not none %}
    where
      {%- for load, dates in partitions | groupby(0) %}
      (load = '{{ load }}' and date in ({% for partition in dates %}'{{ partition[1] }}'{{ ', ' if not loop.last }}{% endfor %})){{ ' or' if not loop.last }}
      {%- else %}
      false
      {%- endfor %}
    {%- endif %}
  )
{%- endmacro %}
