-- One row per parent platform (a family such as PlayStation or PC): the listing, plus any
-- family that games carry but the listing lacks.
with seen_in_games as (

    select
        parent_platform_id,
        min(parent_platform_name) as parent_platform_name,
        min(parent_platform_slug) as parent_platform_slug,
        count(*) as games_in_warehouse
    from {{ ref('int_game_parent_platforms') }}
    group by parent_platform_id

)

select
    coalesce(listed.parent_platform_id, seen.parent_platform_id) as parent_platform_id,
    coalesce(listed.parent_platform_name, seen.parent_platform_name) as parent_platform_name,
    coalesce(listed.parent_platform_slug, seen.parent_platform_slug) as parent_platform_slug,
    coalesce(seen.games_in_warehouse, 0) as games_in_warehouse,
    listed.parent_platform_id is not null as is_listed
from {{ ref('stg_parent_platforms') }} as listed
full outer join seen_in_games as seen on listed.parent_platform_id = seen.parent_platform_id
