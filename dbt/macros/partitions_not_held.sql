{#-
  `relation` less the partitions this incremental model already holds: what a model keyed on
  (partition_load, partition_date) reads from the base layer. A full build reads all of it.
      from {{ select_json_fields(partitions_not_held(ref('base_games')), 'item', ...) }}
-#}
{% macro partitions_not_held(relation) -%}
  {%- if is_incremental() -%}
    (
      select fresh.*
      from {{ relation }} as fresh
      where not exists (
          select 1 from {{ this }} as held
          where held.partition_load = fresh.partition_load and held.partition_date = fresh.partition_date
      )
    )
  {%- else -%}
    {{ relation }}
  {%- endif -%}
{%- endmacro %}
