-- One row per game and platform of the game's newest version.
-- A view: the incremental intermediate model holds the rows; a copy would cost a scan each build.
{{ config(materialized='view') }}
select
    game_id,
    platform_id,
    released_on_platform
from {{ ref('int_game_platforms') }}
