-- Which parent platform each platform belongs to, from the parent platforms listing.
with memberships as (

    select
        parent.parent_platform_id,
        {{ json_int('member.value', 'id') }} as platform_id
    from {{ ref('stg_parent_platforms') }} as parent
    {{ unnest_json_array('parent.platforms', alias='member') }}

)

select *
from memberships
{{ keep_first_per_key('platform_id', 'parent_platform_id') }}
