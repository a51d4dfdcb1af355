-- One row per game and tag of the game's newest version.
select
    game_id,
    tag_id
from {{ ref('int_game_tags') }}
