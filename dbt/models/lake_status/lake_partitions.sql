{#-
  The lake's closed partitions as `gmp transform` listed them for this build (lake_listing():
  runs of days per endpoint and load), one row per run. The freshness sources read it: the
  newest complete partition of an endpoint is max(last_date), found without opening a page.
  Without a listing (dbt run by hand) it is empty, and freshness says so.
-#}
{{ config(materialized='table') }}
{%- set rows = [] -%}
{%- for endpoint, loads in (lake_listing() or {}).items() -%}
  {%- for load, ranges in loads.items() -%}
    {%- for first, last in ranges -%}
      {%- do rows.append((endpoint, load, first, last)) -%}
    {%- endfor -%}
  {%- endfor -%}
{%- endfor %}
{% for endpoint, load, first, last in rows %}
select
    cast('{{ endpoint }}' as varchar) as endpoint,
    cast('{{ load }}' as varchar) as load,
    cast('{{ first }}' as date) as first_date,
    cast('{{ last }}' as date) as last_date
union all
{% endfor %}
-- Typed even when the lake has no closed partition.
select
    cast(null as varchar) as endpoint,
    cast(null as varchar) as load,
    cast(null as date) as first_date,
    cast(null as date) as last_date
where 1 = 0
