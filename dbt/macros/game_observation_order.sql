{#-
  The order of a game's observations (rows of stg_games), oldest first: by RAWG's edit time, then
  by partition date (a later read of the same edit has fresher counts), then an updated window
  after a snapshot of the same day. int_games_latest keeps the newest; fct_game_versions chains
  them all, so the current version is the one dim_games shows.
      order by {{ game_observation_order() }}
      {{ keep_first_per_key('game_id', game_observation_order(newest_first=true)) }}
-#}
{% macro game_observation_order(newest_first=false) -%}
  {%- set way = 'desc' if newest_first else 'asc' -%}
  updated_at {{ way }} nulls {{ 'last' if newest_first else 'first' }},
  partition_date {{ way }},
  case when partition_load = 'updated' then 1 else 0 end {{ way }}
{%- endmacro %}
