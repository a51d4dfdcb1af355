-- Per store: how much of the catalogue in the warehouse it sells, how much only it sells, and
-- how well rated its games are, counting live games only (dim_games.is_deleted). Stores that
-- sell nothing here still appear, with zeros.
with catalogue as (

    select count(*) as catalogue_games
    from {{ ref('dim_games') }}
    where not is_deleted

),

store_counts as (

    select
        game_id,
        count(*) as stores_selling
    from {{ ref('bridge_game_stores') }}
    group by game_id

),

listings as (

    select
        listing.store_id,
        game.game_id,
        game.release_year,
        case when game.ratings_count > 0 then game.rating end as rating,
        game.metacritic,
        store_counts.stores_selling = 1 as is_exclusive
    from {{ ref('bridge_game_stores') }} as listing
    inner join {{ ref('dim_games') }} as game on listing.game_id = game.game_id
    inner join store_counts on listing.game_id = store_counts.game_id
    where not game.is_deleted

),

coverage as (

    select
        store_id,
        count(*) as games_sold,
        sum(case when is_exclusive then 1 else 0 end) as exclusive_games,
        avg(rating) as mean_rating,
        avg(metacritic) as mean_metacritic,
        min(release_year) as first_release_year,
        max(release_year) as last_release_year
    from listings
    group by store_id

)

select
    stores.store_id,
    stores.store_name,
    stores.store_domain,
    coalesce(coverage.games_sold, 0) as games_sold,
    case
        when catalogue.catalogue_games > 0
            then coalesce(coverage.games_sold, 0) * 1.0 / catalogue.catalogue_games
        else 0
    end as share_of_catalogue,
    coalesce(coverage.exclusive_games, 0) as exclusive_games,
    coverage.mean_rating,
    coverage.mean_metacritic,
    coverage.first_release_year,
    coverage.last_release_year
from {{ ref('dim_stores') }} as stores
cross join catalogue
left join coverage on stores.store_id = coverage.store_id
