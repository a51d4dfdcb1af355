-- Publishers and developers ranked by the popularity (`added`) of their known games, with the
-- coverage: the share of the whole live market's `added` whose companies are known.
with companies as (

    select
        'publisher' as company_kind,
        game_id,
        publisher_id as company_id,
        publisher_name as company_name
    from {{ ref('bridge_game_publishers') }}
    union all
    select
        'developer' as company_kind,
        game_id,
        developer_id as company_id,
        developer_name as company_name
    from {{ ref('bridge_game_developers') }}

),

coverage as (

    select
        sum(games.added_count) as market_added,
        sum(games.added_count) filter (where details.companies_known) as known_added
    from {{ ref('dim_game_details') }} as details
    inner join {{ ref('dim_games') }} as games on details.game_id = games.game_id

),

ranked as (

    select
        companies.company_kind,
        companies.company_id,
        max(companies.company_name) as company_name,
        count(*) as games,
        sum(games.added_count) as added_total
    from companies
    inner join {{ ref('dim_games') }} as games on companies.game_id = games.game_id
    group by companies.company_kind, companies.company_id

)

select
    ranked.*,
    rank() over (partition by ranked.company_kind order by ranked.added_total desc, ranked.company_id asc) as popularity_rank,
    coverage.market_added,
    coverage.known_added,
    coverage.known_added * 1.0 / nullif(coverage.market_added, 0) as known_share_of_market
from ranked
cross join coverage
