-- Which parent platform each platform belongs to, from the parent platforms listing.
with memberships as (

    select
        member.parent_platform_id,
        {{ json_int('member.element', 'id') }} as platform_id
    from {{ unnest_json_array(ref('stg_parent_platforms'), 'platforms', keep=['parent_platform_id']) }} as member

)

select *
from memberships
{{ keep_first_per_key('platform_id', 'parent_platform_id') }}
