-- Releases, mean rating and mean Metacritic score per genre and release year. A mean counts only
-- the games that have the score: RAWG gives an unrated game a rating of 0. Live games only
-- (dim_games.is_deleted).
with releases as (

    select
        genre.genre_id,
        game.release_year,
        game.game_id,
        case when game.ratings_count > 0 then game.rating end as rating,
        game.metacritic
    from {{ ref('bridge_game_genres') }} as genre
    inner join {{ ref('dim_games') }} as game on genre.game_id = game.game_id
    where game.release_year is not null and not game.is_deleted

),

year_totals as (

    select
        release_year,
        count(*) as year_releases
    from {{ ref('dim_games') }}
    where release_year is not null and not is_deleted
    group by release_year

)

select
    releases.genre_id,
    genres.genre_name,
    releases.release_year,
    count(*) as releases,
    count(*) * 1.0 / year_totals.year_releases as share_of_year_releases,
    count(releases.rating) as rated_releases,
    avg(releases.rating) as mean_rating,
    count(releases.metacritic) as metacritic_releases,
    avg(releases.metacritic) as mean_metacritic
from releases
inner join {{ ref('dim_genres') }} as genres on releases.genre_id = genres.genre_id
inner join year_totals on releases.release_year = year_totals.release_year
group by releases.genre_id, genres.genre_name, releases.release_year, year_totals.year_releases
