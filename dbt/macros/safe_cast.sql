{#-
  dbt's unit tests cast each fixture value with safe_cast. Snowflake's version makes a VARIANT
  column's JSON text a VARIANT *string*; the models need the parsed object, as the external
  tables give it. Every other type keeps dbt's behaviour.
-#}
{% macro snowflake__safe_cast(field, type) -%}
  {%- if type | upper == 'VARIANT' -%}
    try_parse_json({{ field }})
  {%- else -%}
    {{ dbt.snowflake__safe_cast(field, type) }}
  {%- endif -%}
{%- endmacro %}
