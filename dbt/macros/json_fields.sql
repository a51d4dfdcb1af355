{#-
  Many typed fields of one JSON column at once, as a subquery to select from:
      from {{ select_json_fields(ref('base_games'), 'item', keep=['partition_load'], fields=[
          ('game_id', 'id', 'integer'),
          ('released_on', 'released', 'date'),
          ('genres', 'genres', 'json'),
      ]) }} as items
  Each field is (column name, dotted JSON path, type); types are integer, number, text, boolean,
  date, timestamp and json (a nested object or array, left as JSON/VARIANT). The `keep` columns
  pass through. A JSON null reads as SQL NULL.
-#}
{% macro select_json_fields(relation, column, fields, keep=[]) -%}
  {{ return(adapter.dispatch('select_json_fields', 'game_market')(relation, column, fields, keep)) }}
{%- endmacro %}

{#-
  DuckDB keeps JSON as text and parses it again for every path read from it. One json_extract
  with the list of every path parses each document once; the small values it returns are then
  cast. On the games this is several times faster than a json_extract per field.
-#}
{% macro duckdb__select_json_fields(relation, column, fields, keep) -%}
  {%- set casts = {'integer': 'integer', 'number': 'double', 'boolean': 'boolean'} -%}
  (
    select
      {%- for name in keep %}
      {{ name }},
      {%- endfor %}
      {%- for name, path, type in fields %}
        {%- set value = 'json_fields[' ~ loop.index ~ ']' %}
        {%- if type == 'json' %}
      {{ value }} as {{ name }}
        {%- elif type == 'text' %}
      {{ value }} ->> '$' as {{ name }}
        {%- elif type in ('date', 'timestamp') %}
      try_cast({{ value }} ->> '$' as {{ type }}) as {{ name }}
        {%- else %}
      cast({{ value }} as {{ casts[type] }}) as {{ name }}
        {%- endif %}
        {{- ',' if not loop.last }}
      {%- endfor %}
    from (
      select
        {%- for name in keep %}
        {{ name }},
        {%- endfor %}
        json_extract({{ column }}, [
          {%- for name, path, type in fields -%}
            '$.{{ path }}'{{ ', ' if not loop.last }}
          {%- endfor -%}
        ]) as json_fields
      from {{ relation }}
    )
  )
{%- endmacro %}

{#- Snowflake reads VARIANT paths without parsing again: the single-field readers do. -#}
{% macro snowflake__select_json_fields(relation, column, fields, keep) -%}
  (
    select
      {%- for name in keep %}
      {{ name }},
      {%- endfor %}
      {%- for name, path, type in fields %}
        {%- if type == 'integer' %}
      {{ json_int(column, path) }} as {{ name }}
        {%- elif type == 'number' %}
      {{ json_number(column, path) }} as {{ name }}
        {%- elif type == 'text' %}
      {{ json_text(column, path) }} as {{ name }}
        {%- elif type == 'boolean' %}
      {{ json_bool(column, path) }} as {{ name }}
        {%- elif type == 'date' %}
      {{ json_date(column, path) }} as {{ name }}
        {%- elif type == 'timestamp' %}
      {{ json_timestamp(column, path) }} as {{ name }}
        {%- else %}
      {{ json_value(column, path) }} as {{ name }}
        {%- endif %}
        {{- ',' if not loop.last }}
      {%- endfor %}
    from {{ relation }}
  )
{%- endmacro %}
