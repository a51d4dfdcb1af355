-- Per publisher and parent platform: how many of the publisher's known games are on it, and their
-- share of the publisher's known games; with the coverage (games with known companies among all
-- live games) on every row.
with coverage as (

    select
        count(*) as live_games,
        count(*) filter (where companies_known) as games_with_known_companies
    from {{ ref('dim_game_details') }}

),

publisher_games as (

    select
        publisher_id,
        max(publisher_name) as publisher_name,
        count(*) as publisher_games
    from {{ ref('bridge_game_publishers') }}
    group by publisher_id

)

select
    publishers.publisher_id,
    max(publisher_games.publisher_name) as publisher_name,
    platforms.parent_platform_id,
    count(*) as games,
    count(*) * 1.0 / max(publisher_games.publisher_games) as share_of_publisher_games,
    max(coverage.live_games) as live_games,
    max(coverage.games_with_known_companies) as games_with_known_companies
from {{ ref('bridge_game_publishers') }} as publishers
inner join {{ ref('bridge_game_parent_platforms') }} as platforms on publishers.game_id = platforms.game_id
inner join publisher_games on publishers.publisher_id = publisher_games.publisher_id
cross join coverage
group by publishers.publisher_id, platforms.parent_platform_id
