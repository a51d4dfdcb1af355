-- One row per live game: whether its companies are known (the lake holds its detail at a version
-- not older than the game's newest), and the detail's fields when the lake holds one. The
-- coverage every company mart states is counted here.
select
    games.game_id,
    coalesce(details.detail_updated_at >= games.updated_at, false) as companies_known,
    details.detail_updated_at,
    details.fetched_in_batch,
    details.name_original,
    details.description_raw,
    details.website_url,
    details.metacritic_url,
    details.metacritic_platforms,
    details.achievements_count,
    details.additions_count,
    details.game_series_count,
    details.parents_count,
    details.screenshots_count,
    details.movies_count,
    details.creators_count,
    details.reddit_url,
    details.reddit_count,
    details.twitch_count,
    details.youtube_count
from {{ ref('dim_games') }} as games
left join {{ ref('stg_game_details') }} as details on games.game_id = details.game_id
where not games.is_deleted
