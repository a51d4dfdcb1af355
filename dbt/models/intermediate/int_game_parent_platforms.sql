-- The parent platforms (families such as PlayStation) of each game's newest version.
-- Incremental by game: a build replaces the rows of the games loaded since (build_loads).
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='game_id', pre_hook="{{ delete_games_loaded_since_built() }}") }}
select distinct
    entry.game_id,
    entry.last_loaded_at,
    {{ json_int('entry.element', 'platform.id') }} as parent_platform_id,
    {{ json_text('entry.element', 'platform.name') }} as parent_platform_name,
    {{ json_text('entry.element', 'platform.slug') }} as parent_platform_slug
from {{ unnest_json_array(games_to_rebuild(), 'parent_platforms', keep=['game_id', 'last_loaded_at']) }} as entry
