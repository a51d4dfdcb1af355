-- Releases and average rating per publisher and per developer per release year (years up to the
-- current one), over the live games whose companies are known; each row says how many of the
-- year's released games that is (the coverage of the year).
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

games as (

    select
        games.game_id,
        games.release_year,
        games.rating,
        details.companies_known
    from {{ ref('dim_games') }} as games
    inner join {{ ref('dim_game_details') }} as details on games.game_id = details.game_id
    where games.release_year is not null and games.release_year <= extract(year from current_date)

),

coverage as (

    select
        release_year,
        count(*) as games_released,
        count(*) filter (where companies_known) as games_with_known_companies
    from games
    group by release_year

)

select
    companies.company_kind,
    companies.company_id,
    max(companies.company_name) as company_name,
    games.release_year,
    count(*) as releases,
    avg(nullif(games.rating, 0)) as average_rating,
    max(coverage.games_released) as games_released_in_year,
    max(coverage.games_with_known_companies) as games_with_known_companies_in_year
from companies
inner join games on companies.game_id = games.game_id
inner join coverage on games.release_year = coverage.release_year
group by companies.company_kind, companies.company_id, games.release_year
