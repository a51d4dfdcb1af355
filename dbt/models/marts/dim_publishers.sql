-- One row per publisher, from the publishers listing. Game list items do not name their
-- publishers (only a game's detail page does), so there is no bridge to games.
select
    publisher_id,
    publisher_name,
    publisher_slug,
    games_count as games_count_reported,
    image_background_url,
    listed_on
from {{ ref('stg_publishers') }}
