-- One row per developer, from the developers listing. Game list items do not name their
-- developers (only a game's detail page does), so there is no bridge to games.
select
    developer_id,
    developer_name,
    developer_slug,
    games_count as games_count_reported,
    image_background_url,
    listed_on
from {{ ref('stg_developers') }}
