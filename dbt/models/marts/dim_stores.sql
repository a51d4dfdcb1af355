-- One row per store: the stores listing, plus any store that games carry but the listing lacks.
with seen_in_games as (

    select
        seen.store_id,
        min(seen.store_name) as store_name,
        min(seen.store_slug) as store_slug,
        min(seen.store_domain) as store_domain,
        -- Live games only: a deleted game still names the entity, it no longer counts.
        count(case when not game.is_deleted then 1 end) as games_in_warehouse
    from {{ ref('int_game_stores') }} as seen
    inner join {{ ref('dim_games') }} as game on seen.game_id = game.game_id
    group by seen.store_id

)

select
    coalesce(listed.store_id, seen.store_id) as store_id,
    coalesce(listed.store_name, seen.store_name) as store_name,
    coalesce(listed.store_slug, seen.store_slug) as store_slug,
    coalesce(listed.store_domain, seen.store_domain) as store_domain,
    coalesce(listed.games_count, nested.games_count) as games_count_reported,
    coalesce(seen.games_in_warehouse, 0) as games_in_warehouse,
    coalesce(listed.image_background_url, nested.image_background_url) as image_background_url,
    listed.store_id is not null as is_listed
from {{ ref('stg_stores') }} as listed
full outer join seen_in_games as seen on listed.store_id = seen.store_id
left join {{ ref('int_store_details_from_games') }} as nested
    on nested.store_id = coalesce(listed.store_id, seen.store_id)
