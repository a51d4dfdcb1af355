{#-
  One row per element of a JSON array column, as a subquery to select from:
      from {{ unnest_json_array(ref('int_games_latest'), 'genres', keep=['game_id']) }} as genre
  gives the `keep` columns of the row the array came from, plus `element`: the array element as
  JSON (DuckDB) or VARIANT (Snowflake). `path` reads the array from a field of the column instead
  ('results' of a page). A null or empty array gives no rows, which is what the bridges want;
  with keep_empty it gives one row whose element is null (a page without items still says that
  its partition was read).
-#}
{% macro unnest_json_array(relation, column, path=none, keep=[], keep_empty=false) -%}
  {{ return(adapter.dispatch('unnest_json_array', 'game_market')(relation, column, path, keep, keep_empty)) }}
{%- endmacro %}

{#- Unnest in the select list: a lateral join would copy the whole page into every item's row. -#}
{% macro duckdb__unnest_json_array(relation, column, path, keep, keep_empty) -%}
  {%- set array_path = '$.' ~ path ~ '[*]' if path else '$[*]' -%}
  {%- set elements = "json_extract(" ~ column ~ ", '" ~ array_path ~ "')" -%}
  {%- if keep_empty -%}
    {%- set elements = "coalesce(nullif(" ~ elements ~ ", []::json[]), [null::json])" -%}
  {%- endif -%}
  (
    select
      {%- for name in keep %}
      {{ name }},
      {%- endfor %}
      unnest({{ elements }}) as element
    from {{ relation }}
  )
{%- endmacro %}

{% macro snowflake__unnest_json_array(relation, column, path, keep, keep_empty) -%}
  {%- set array = 'unnested_row.' ~ column ~ (':' ~ path if path else '') -%}
  (
    select
      {%- for name in keep %}
      unnested_row.{{ name }},
      {%- endfor %}
      flattened.value as element
    from {{ relation }} as unnested_row,
      lateral flatten(input => {{ array }}{{ ', outer => true' if keep_empty }}) as flattened
  )
{%- endmacro %}
