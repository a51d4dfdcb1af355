-- Every rated game ranked by a weighted rating that accounts for how many people rated it:
--   weighted = (n * rating + m * C) / (n + m)
-- where n is the game's ratings count, C the mean rating of all rated games and m the prior
-- weight (var weighted_rating_prior_count). A 5.0 from three ratings no longer beats a 4.6 from
-- thousands. Filter on weighted_rating_rank for a top N. Live games only (dim_games.is_deleted).
with rated as (

    select
        game_id,
        game_name,
        release_year,
        rating,
        ratings_count,
        metacritic
    from {{ ref('dim_games') }}
    where ratings_count > 0 and not is_deleted

),

catalogue_prior as (

    select
        avg(rating) as mean_rating,
        {{ var('weighted_rating_prior_count') }} as prior_count
    from rated

),

weighted as (

    select
        rated.*,
        (rated.ratings_count * rated.rating + catalogue_prior.prior_count * catalogue_prior.mean_rating)
        / (rated.ratings_count + catalogue_prior.prior_count) as weighted_rating
    from rated
    cross join catalogue_prior

)

select
    row_number() over (order by weighted_rating desc, ratings_count desc, game_id asc) as weighted_rating_rank,
    game_id,
    game_name,
    release_year,
    rating,
    ratings_count,
    weighted_rating,
    metacritic
from weighted
