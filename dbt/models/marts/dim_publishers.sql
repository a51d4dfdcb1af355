-- One row per publisher, from the publishers listing. Only a game's detail names its publishers:
-- bridge_game_publishers links the games whose companies are known.
select
    publisher_id,
    publisher_name,
    publisher_slug,
    games_count as games_count_reported,
    image_background_url,
    listed_on
from {{ ref('stg_publishers') }}
