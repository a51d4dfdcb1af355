-- One row per developer, from the developers listing. Only a game's detail names its developers:
-- bridge_game_developers links the games whose companies are known.
select
    developer_id,
    developer_name,
    developer_slug,
    games_count as games_count_reported,
    image_background_url,
    listed_on
from {{ ref('stg_developers') }}
