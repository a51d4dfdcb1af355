-- One row per genre: the genres listing, plus any genre that games carry but the listing lacks
-- (so every bridge row has its genre).
with seen_in_games as (

    select
        seen.genre_id,
        min(seen.genre_name) as genre_name,
        min(seen.genre_slug) as genre_slug,
        -- Live games only: a deleted game still names the entity, it no longer counts.
        count(case when not game.is_deleted then 1 end) as games_in_warehouse
    from {{ ref('int_game_genres') }} as seen
    inner join {{ ref('dim_games') }} as game on seen.game_id = game.game_id
    group by seen.genre_id

)

select
    coalesce(listed.genre_id, seen.genre_id) as genre_id,
    coalesce(listed.genre_name, seen.genre_name) as genre_name,
    coalesce(listed.genre_slug, seen.genre_slug) as genre_slug,
    coalesce(listed.games_count, nested.games_count) as games_count_reported,
    coalesce(seen.games_in_warehouse, 0) as games_in_warehouse,
    coalesce(listed.image_background_url, nested.image_background_url) as image_background_url,
    listed.genre_id is not null as is_listed
from {{ ref('stg_genres') }} as listed
full outer join seen_in_games as seen on listed.genre_id = seen.genre_id
left join {{ ref('int_genre_details_from_games') }} as nested
    on nested.genre_id = coalesce(listed.genre_id, seen.genre_id)
