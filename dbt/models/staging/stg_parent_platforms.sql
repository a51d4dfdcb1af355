-- One row per parent platform (a family such as PlayStation), from the newest stored listing.
with items as (

    select
        partition_date as listed_on,
        {{ json_int('item', 'id') }} as parent_platform_id,
        {{ json_text('item', 'name') }} as parent_platform_name,
        {{ json_text('item', 'slug') }} as parent_platform_slug,
        {{ json_value('item', 'platforms') }} as platforms
    from {{ ref('base_parent_platforms') }}
    -- A page without items leaves one row with a null item in base.
    where item is not null

)

select *
from items
{{ keep_first_per_key('parent_platform_id', 'listed_on desc') }}
