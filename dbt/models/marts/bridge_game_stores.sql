-- One row per game and store of the game's newest version.
select
    game_id,
    store_id
from {{ ref('int_game_stores') }}
