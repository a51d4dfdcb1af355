{#-
  The items of a resource fetched per item (a game's detail) that this build reads: the sealed
  batches `gmp transform` listed (load `items` in the lake listing) less those the model holds.
      from {{ lake_items('game_details') }} as items      -- columns value, load, date
  Without a listing (dbt run by hand), every stored item is read.
-#}
{% macro lake_items(endpoint) -%}
  {{ return(adapter.dispatch('lake_items_of', 'game_market')(endpoint, partitions_to_read(endpoint))) }}
{%- endmacro %}

{#- DuckDB: the source's one glob becomes one per batch to read. -#}
{% macro duckdb__lake_items_of(endpoint, partitions) -%}
  {%- set every_item = "/load=items/date=*/item=*.json'" -%}
  {%- set location = source('lake', endpoint) | string -%}
  {%- if every_item not in location or partitions is none -%}
    {{ return(location) }}
  {%- endif -%}
  {%- if partitions | length == 0 -%}
    {{ return("(select null::varchar as value, null::varchar as load, null::date as date where false)") }}
  {%- endif -%}
  {%- set head, tail = location.split(every_item) -%}
  {%- set opening = "read_text('" -%}
  {%- set cut = head.rfind(opening) -%}
  {%- set before, root = head[:cut], head[cut + opening | length:] -%}
  {%- set globs = [] -%}
  {%- for load, date in partitions -%}
    {%- do globs.append("'" ~ root ~ "/load=" ~ load ~ "/date=" ~ date ~ "/item=*.json'") -%}
  {%- endfor -%}
  {{ return(before ~ "read_text([" ~ globs | join(', ') ~ "]" ~ tail) }}
{%- endmacro %}

{#- Snowflake: the external table's partition columns; literal values prune its files. -#}
{% macro snowflake__lake_items_of(endpoint, partitions) -%}
  (
    select value, load, date
    from {{ source('lake', endpoint) }}
    {%- if partitions is not none %}
    where load = 'items' and date in ({% for partition in partitions %}'{{ partition[1] }}'{{ ', ' if not loop.last }}{% else %}null{% endfor %})
    {%- endif %}
  )
{%- endmacro %}

{#- An item's text as JSON (DuckDB); a VARIANT already in Snowflake. -#}
{% macro item_json(value) -%}
  {{ return(adapter.dispatch('item_json', 'game_market')(value)) }}
{%- endmacro %}
{% macro duckdb__item_json(value) -%}
  cast({{ value }} as json)
{%- endmacro %}
{% macro snowflake__item_json(value) -%}
  {{ value }}
{%- endmacro %}
