-- Per platform and release year: how many of the year's releases came out on the platform. A
-- game on three platforms counts for each, so a year's shares add up to more than 1. Live games
-- only (dim_games.is_deleted).
with year_totals as (

    select
        release_year,
        count(*) as year_releases
    from {{ ref('dim_games') }}
    where release_year is not null and not is_deleted
    group by release_year

)

select
    platform.platform_id,
    platforms.platform_name,
    platforms.parent_platform_id,
    game.release_year,
    count(*) as releases,
    year_totals.year_releases,
    count(*) * 1.0 / year_totals.year_releases as share_of_releases
from {{ ref('bridge_game_platforms') }} as platform
inner join {{ ref('dim_games') }} as game on platform.game_id = game.game_id
inner join {{ ref('dim_platforms') }} as platforms on platform.platform_id = platforms.platform_id
inner join year_totals on game.release_year = year_totals.release_year
where not game.is_deleted
group by
    platform.platform_id,
    platforms.platform_name,
    platforms.parent_platform_id,
    game.release_year,
    year_totals.year_releases
