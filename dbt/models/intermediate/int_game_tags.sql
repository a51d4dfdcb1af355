-- The tags of each game's newest version, with the names the game itself carries.
-- Incremental by game: a build replaces the rows of the games loaded since (build_loads).
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='game_id', pre_hook="{{ delete_games_loaded_since_built() }}") }}
select distinct
    tag.game_id,
    tag.last_loaded_at,
    {{ json_int('tag.element', 'id') }} as tag_id,
    {{ json_text('tag.element', 'name') }} as tag_name,
    {{ json_text('tag.element', 'slug') }} as tag_slug,
    {{ json_text('tag.element', 'language') }} as tag_language
from {{ unnest_json_array(games_to_rebuild(), 'tags', keep=['game_id', 'last_loaded_at']) }} as tag
