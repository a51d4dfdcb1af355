{#-
  Keep one row per key: the first by `order_by`. Goes where a WHERE clause would end the query.
      {{ keep_first_per_key('game_id', 'updated_at desc') }}
-#}
{% macro keep_first_per_key(partition_by, order_by) -%}
  {{ return(adapter.dispatch('keep_first_per_key', 'game_market')(partition_by, order_by)) }}
{%- endmacro %}

{#- Both DuckDB and Snowflake filter window results with QUALIFY. -#}
{% macro default__keep_first_per_key(partition_by, order_by) -%}
  qualify row_number() over (partition by {{ partition_by }} order by {{ order_by }}) = 1
{%- endmacro %}
