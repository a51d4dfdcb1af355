-- One row per game and platform of the game's newest version.
select
    game_id,
    platform_id,
    released_on_platform
from {{ ref('int_game_platforms') }}
