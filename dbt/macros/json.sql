{#-
  Reading fields of a JSON document: DuckDB keeps JSON as text and answers JSON paths with
  json_extract; Snowflake keeps a VARIANT and answers `:` paths. `path` is dotted
  ('esrb_rating.name'). A JSON null reads as SQL NULL in every typed variant.
-#}

{% macro json_text(doc, path) -%}
  {{ return(adapter.dispatch('json_text', 'game_market')(doc, path)) }}
{%- endmacro %}
{% macro duckdb__json_text(doc, path) -%}
  json_extract_string({{ doc }}, '$.{{ path }}')
{%- endmacro %}
{% macro snowflake__json_text(doc, path) -%}
  {{ doc }}:{{ path }}::varchar
{%- endmacro %}

{% macro json_int(doc, path) -%}
  {{ return(adapter.dispatch('json_int', 'game_market')(doc, path)) }}
{%- endmacro %}
{% macro duckdb__json_int(doc, path) -%}
  cast(json_extract_string({{ doc }}, '$.{{ path }}') as integer)
{%- endmacro %}
{% macro snowflake__json_int(doc, path) -%}
  {{ doc }}:{{ path }}::integer
{%- endmacro %}

{% macro json_number(doc, path) -%}
  {{ return(adapter.dispatch('json_number', 'game_market')(doc, path)) }}
{%- endmacro %}
{% macro duckdb__json_number(doc, path) -%}
  cast(json_extract_string({{ doc }}, '$.{{ path }}') as double)
{%- endmacro %}
{% macro snowflake__json_number(doc, path) -%}
  {{ doc }}:{{ path }}::float
{%- endmacro %}

{% macro json_bool(doc, path) -%}
  {{ return(adapter.dispatch('json_bool', 'game_market')(doc, path)) }}
{%- endmacro %}
{% macro duckdb__json_bool(doc, path) -%}
  cast(json_extract_string({{ doc }}, '$.{{ path }}') as boolean)
{%- endmacro %}
{% macro snowflake__json_bool(doc, path) -%}
  {{ doc }}:{{ path }}::boolean
{%- endmacro %}

{#- "YYYY-MM-DD"; anything else (null, "", a partial date) reads as NULL. -#}
{% macro json_date(doc, path) -%}
  {{ return(adapter.dispatch('json_date', 'game_market')(doc, path)) }}
{%- endmacro %}
{% macro duckdb__json_date(doc, path) -%}
  try_cast(json_extract_string({{ doc }}, '$.{{ path }}') as date)
{%- endmacro %}
{% macro snowflake__json_date(doc, path) -%}
  try_cast({{ doc }}:{{ path }}::varchar as date)
{%- endmacro %}

{#- "YYYY-MM-DDTHH:MM:SS" without a zone, as the API writes it: a timestamp without time zone. -#}
{% macro json_timestamp(doc, path) -%}
  {{ return(adapter.dispatch('json_timestamp', 'game_market')(doc, path)) }}
{%- endmacro %}
{% macro duckdb__json_timestamp(doc, path) -%}
  try_cast(json_extract_string({{ doc }}, '$.{{ path }}') as timestamp)
{%- endmacro %}
{% macro snowflake__json_timestamp(doc, path) -%}
  try_cast({{ doc }}:{{ path }}::varchar as timestamp_ntz)
{%- endmacro %}

{#- A nested object or array, still JSON (DuckDB) or VARIANT (Snowflake). -#}
{% macro json_value(doc, path) -%}
  {{ return(adapter.dispatch('json_value', 'game_market')(doc, path)) }}
{%- endmacro %}
{% macro duckdb__json_value(doc, path) -%}
  json_extract({{ doc }}, '$.{{ path }}')
{%- endmacro %}
{% macro snowflake__json_value(doc, path) -%}
  {{ doc }}:{{ path }}
{%- endmacro %}
