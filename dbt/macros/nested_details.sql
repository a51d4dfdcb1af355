{#-
  What games say about an object they nest (a tag, genre, platform or store): per object id, the
  games_count and image_background of the newest item that carries them, newest by partition
  date, then by the game's `updated` edit. Thin (filtered) items nest only id, name and slug, so
  they never hide an older full item's values.
      {{ newest_nested_details('tags', 'tag_id') }}                 tags[].{id, games_count, ...}
      {{ newest_nested_details('platforms', 'platform_id', 'platform') }}   platforms[].platform.{...}
-#}
{% macro newest_nested_details(array_column, id_name, object_path=none) -%}
  {%- set prefix = object_path ~ '.' if object_path else '' -%}
  with nested as (

      select
          {{ json_int('entry.element', prefix ~ 'id') }} as {{ id_name }},
          {{ json_int('entry.element', prefix ~ 'games_count') }} as games_count,
          {{ json_text('entry.element', prefix ~ 'image_background') }} as image_background_url,
          entry.partition_date,
          entry.updated_at
      from {{ unnest_json_array(ref('stg_games'), array_column, keep=['partition_date', 'updated_at']) }} as entry

  )

  select
      {{ id_name }},
      games_count,
      image_background_url,
      partition_date as seen_on
  from nested
  where games_count is not null or image_background_url is not null
  {{ keep_first_per_key(id_name, 'partition_date desc, updated_at desc nulls last, games_count desc nulls last, image_background_url') }}
{%- endmacro %}
