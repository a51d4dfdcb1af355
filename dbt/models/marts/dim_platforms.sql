-- One row per platform: the platforms listing, plus any platform that games carry but the
-- listing lacks, with the parent platform (family) it belongs to.
with seen_in_games as (

    select
        seen.platform_id,
        min(seen.platform_name) as platform_name,
        min(seen.platform_slug) as platform_slug,
        -- Live games only: a deleted game still names the entity, it no longer counts.
        count(case when not game.is_deleted then 1 end) as games_in_warehouse
    from {{ ref('int_game_platforms') }} as seen
    inner join {{ ref('dim_games') }} as game on seen.game_id = game.game_id
    group by seen.platform_id

)

select
    coalesce(listed.platform_id, seen.platform_id) as platform_id,
    coalesce(listed.platform_name, seen.platform_name) as platform_name,
    coalesce(listed.platform_slug, seen.platform_slug) as platform_slug,
    family.parent_platform_id,
    listed.year_start,
    listed.year_end,
    coalesce(listed.games_count, nested.games_count) as games_count_reported,
    coalesce(seen.games_in_warehouse, 0) as games_in_warehouse,
    coalesce(listed.image_background_url, nested.image_background_url) as image_background_url,
    listed.platform_id is not null as is_listed
from {{ ref('stg_platforms') }} as listed
full outer join seen_in_games as seen on listed.platform_id = seen.platform_id
left join {{ ref('int_platform_details_from_games') }} as nested
    on nested.platform_id = coalesce(listed.platform_id, seen.platform_id)
left join {{ ref('stg_parent_platforms__platforms') }} as family
    on family.platform_id = coalesce(listed.platform_id, seen.platform_id)
