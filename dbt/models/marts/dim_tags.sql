-- One row per tag: the tags listing, plus any tag that games carry but the listing lacks.
with seen_in_games as (

    select
        seen.tag_id,
        min(seen.tag_name) as tag_name,
        min(seen.tag_slug) as tag_slug,
        min(seen.tag_language) as tag_language,
        -- Live games only: a deleted game still names the entity, it no longer counts.
        count(case when not game.is_deleted then 1 end) as games_in_warehouse
    from {{ ref('int_game_tags') }} as seen
    inner join {{ ref('dim_games') }} as game on seen.game_id = game.game_id
    group by seen.tag_id

)

select
    coalesce(listed.tag_id, seen.tag_id) as tag_id,
    coalesce(listed.tag_name, seen.tag_name) as tag_name,
    coalesce(listed.tag_slug, seen.tag_slug) as tag_slug,
    coalesce(listed.tag_language, seen.tag_language) as tag_language,
    coalesce(listed.games_count, nested.games_count) as games_count_reported,
    coalesce(seen.games_in_warehouse, 0) as games_in_warehouse,
    coalesce(listed.image_background_url, nested.image_background_url) as image_background_url,
    listed.tag_id is not null as is_listed
from {{ ref('stg_tags') }} as listed
full outer join seen_in_games as seen on listed.tag_id = seen.tag_id
left join {{ ref('int_tag_details_from_games') }} as nested
    on nested.tag_id = coalesce(listed.tag_id, seen.tag_id)
