-- The genres of each game's newest version, with the names the game itself carries.
-- Incremental by game: a build replaces the rows of the games loaded since (build_loads).
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='game_id', pre_hook="{{ delete_games_loaded_since_built() }}") }}
select distinct
    genre.game_id,
    genre.last_loaded_at,
    {{ json_int('genre.element', 'id') }} as genre_id,
    {{ json_text('genre.element', 'name') }} as genre_name,
    {{ json_text('genre.element', 'slug') }} as genre_slug
from {{ unnest_json_array(games_to_rebuild(), 'genres', keep=['game_id', 'last_loaded_at']) }} as genre
