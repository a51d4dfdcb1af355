-- The genres of each game's newest version, with the names the game itself carries.
select distinct
    genre.game_id,
    {{ json_int('genre.element', 'id') }} as genre_id,
    {{ json_text('genre.element', 'name') }} as genre_name,
    {{ json_text('genre.element', 'slug') }} as genre_slug
from {{ unnest_json_array(ref('int_games_latest'), 'genres', keep=['game_id']) }} as genre
