-- One row per game and genre of the game's newest version.
select
    game_id,
    genre_id
from {{ ref('int_game_genres') }}
