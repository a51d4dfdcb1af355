{#-
  What games say about an object they nest (a tag, genre, platform or store): per object id, the
  games_count and image_background of the newest item that carries them, newest by partition
  date, then by the game's `updated` edit. Thin (filtered) items nest only id, name and slug, so
  they never hide an older full item's values.
      {{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='tag_id') }}
      {{ newest_nested_details('tags', 'tag_id') }}                 tags[].{id, games_count, ...}
      {{ newest_nested_details('platforms', 'platform_id', 'platform') }}   platforms[].platform.{...}
  Incremental by object: "newest" is a maximum, so a build compares only the items of the rows
  loaded since its mark (build_loads) with the values it holds for the same objects.
-#}
{% macro newest_nested_details(array_column, id_name, object_path=none) -%}
  {%- set prefix = object_path ~ '.' if object_path else '' -%}
  {%- set loaded -%}
    {%- if is_incremental() -%}
    (
      select games.*
      from {{ ref('stg_games') }} as games
      where games.loaded_at > {{ loaded_up_to() }}
    )
    {%- else -%}
    {{ ref('stg_games') }}
    {%- endif -%}
  {%- endset %}
  with nested as (

      select
          {{ json_int('entry.element', prefix ~ 'id') }} as {{ id_name }},
          {{ json_int('entry.element', prefix ~ 'games_count') }} as games_count,
          {{ json_text('entry.element', prefix ~ 'image_background') }} as image_background_url,
          entry.partition_date as seen_on,
          entry.updated_at as seen_updated_at,
          entry.loaded_at as last_loaded_at
      from {{ unnest_json_array(loaded, array_column, keep=['partition_date', 'updated_at', 'loaded_at']) }} as entry

  ),

  carrying as (

      select *
      from nested
      where games_count is not null or image_background_url is not null

  ),

  candidates as (

      select *
      from carrying
      {%- if is_incremental() %}
      union all
      select
          held.{{ id_name }},
          held.games_count,
          held.image_background_url,
          held.seen_on,
          held.seen_updated_at,
          held.last_loaded_at
      from {{ this }} as held
      where held.{{ id_name }} in (select carrying.{{ id_name }} from carrying)
      {%- endif %}

  )

  select
      {{ id_name }},
      games_count,
      image_background_url,
      seen_on,
      seen_updated_at,
      max(last_loaded_at) over (partition by {{ id_name }}) as last_loaded_at
  from candidates
  {{ keep_first_per_key(id_name, 'seen_on desc, seen_updated_at desc nulls last, games_count desc nulls last, image_background_url') }}
{%- endmacro %}
