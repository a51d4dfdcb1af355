-- One row per parent platform (a family such as PlayStation or PC): the listing, plus any
-- family that games carry but the listing lacks.
with seen_in_games as (

    select
        seen.parent_platform_id,
        min(seen.parent_platform_name) as parent_platform_name,
        min(seen.parent_platform_slug) as parent_platform_slug,
        -- Live games only: a deleted game still names the entity, it no longer counts.
        count(case when not game.is_deleted then 1 end) as games_in_warehouse
    from {{ ref('int_game_parent_platforms') }} as seen
    inner join {{ ref('dim_games') }} as game on seen.game_id = game.game_id
    group by seen.parent_platform_id

)

select
    coalesce(listed.parent_platform_id, seen.parent_platform_id) as parent_platform_id,
    coalesce(listed.parent_platform_name, seen.parent_platform_name) as parent_platform_name,
    coalesce(listed.parent_platform_slug, seen.parent_platform_slug) as parent_platform_slug,
    coalesce(seen.games_in_warehouse, 0) as games_in_warehouse,
    listed.parent_platform_id is not null as is_listed
from {{ ref('stg_parent_platforms') }} as listed
full outer join seen_in_games as seen on listed.parent_platform_id = seen.parent_platform_id
