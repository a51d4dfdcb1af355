{#-
  One row per element of a JSON array column, as a subquery to select from:
      from {{ unnest_json_array(ref('int_games_latest'), 'genres', keep=['game_id']) }} as genre
  gives the `keep` columns of the row the array came from, plus `element`: the array element as
  JSON (DuckDB) or VARIANT (Snowflake). `path` reads the array from a field of the column instead
  ('results' of a page). A null or empty array gives no rows, which is what the bridges want.
-#}
{% macro unnest_json_array(relation, column, path=none, keep=[]) -%}
  {{ return(adapter.dispatch('unnest_json_array', 'game_market')(relation, column, path, keep)) }}
{%- endmacro %}

{#- Unnest in the select list: a lateral join would copy the whole page into every item's row. -#}
{% macro duckdb__unnest_json_array(relation, column, path, keep) -%}
  {%- set array_path = '$.' ~ path ~ '[*]' if path else '$[*]' -%}
  (
    select
      {%- for name in keep %}
      {{ name }},
      {%- endfor %}
      unnest(json_extract({{ column }}, '{{ array_path }}')) as element
    from {{ relation }}
  )
{%- endmacro %}

{% macro snowflake__unnest_json_array(relation, column, path, keep) -%}
  {%- set array = 'unnested_row.' ~ column ~ (':' ~ path if path else '') -%}
  (
    select
      {%- for name in keep %}
      unnested_row.{{ name }},
      {%- endfor %}
      flattened.value as element
    from {{ relation }} as unnested_row,
      lateral flatten(input => {{ array }}) as flattened
  )
{%- endmacro %}
