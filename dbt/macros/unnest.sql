{#-
  One row per element of a JSON array, as a join clause that follows the FROM item:
      from {{ ref('x') }} as game
      {{ unnest_json_array('game.genres', alias='genre') }}
  gives `genre.value`, the element as JSON/VARIANT. `path` reads the array from a field of `doc`
  instead. A missing, null or empty array gives no rows (an inner join), which is what the
  bridges want.
-#}
{% macro unnest_json_array(doc, path=none, alias='element') -%}
  {{ return(adapter.dispatch('unnest_json_array', 'game_market')(doc, path, alias)) }}
{%- endmacro %}

{% macro duckdb__unnest_json_array(doc, path, alias) -%}
  {%- set array_path = '$.' ~ path ~ '[*]' if path else '$[*]' -%}
  cross join unnest(json_extract({{ doc }}, '{{ array_path }}')) as {{ alias }}(value)
{%- endmacro %}

{% macro snowflake__unnest_json_array(doc, path, alias) -%}
  {%- set array = doc ~ ':' ~ path if path else doc -%}
  cross join lateral flatten(input => {{ array }}) as {{ alias }}
{%- endmacro %}
