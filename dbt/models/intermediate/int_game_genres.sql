-- The genres of each game's newest version, with the names the game itself carries.
select distinct
    game.game_id,
    {{ json_int('genre.value', 'id') }} as genre_id,
    {{ json_text('genre.value', 'name') }} as genre_name,
    {{ json_text('genre.value', 'slug') }} as genre_slug
from {{ ref('int_games_latest') }} as game
{{ unnest_json_array('game.genres', alias='genre') }}
