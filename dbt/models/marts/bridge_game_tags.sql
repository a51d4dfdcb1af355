-- One row per game and tag of the game's newest version.
-- A view: the incremental intermediate model holds the rows; a copy would cost a scan each build.
{{ config(materialized='view') }}
select
    game_id,
    tag_id
from {{ ref('int_game_tags') }}
