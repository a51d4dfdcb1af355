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

{% macro snowflake__select_json_fields(relation, column, fields, keep) -%}
  {%- set readers = {
      'integer': json_int, 'number': json_number, 'text': json_text, 'boolean': json_bool,
      'date': json_date, 'timestamp': json_timestamp, 'json': json_value} -%}
  (
    select
      {%- for name in keep %}
      {{ name }},
      {%- endfor %}
      {%- for name, path, type in fields %}
      {{ readers[type](column, path) }} as {{ name }}{{ ',' if not loop.last }}
      {%- endfor %}
    from {{ relation }}
  )
{%- endmacro %}
