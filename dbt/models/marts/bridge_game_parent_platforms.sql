-- One row per game and parent platform of the game's newest version.
select
    game_id,
    parent_platform_id
from {{ ref('int_game_parent_platforms') }}
