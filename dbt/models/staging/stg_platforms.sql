-- One row per platform, as the newest stored listing of the platforms endpoint describes it.
with items as (

    select
        partition_date as listed_on,
        {{ json_int('item', 'id') }} as platform_id,
        {{ json_text('item', 'name') }} as platform_name,
        {{ json_text('item', 'slug') }} as platform_slug,
        {{ json_int('item', 'year_start') }} as year_start,
        {{ json_int('item', 'year_end') }} as year_end,
        {{ json_int('item', 'games_count') }} as games_count,
        {{ json_text('item', 'image_background') }} as image_background_url
    from {{ ref('base_platforms') }}
    -- A page without items leaves one row with a null item in base.
    where item is not null

)

select *
from items
{{ keep_first_per_key('platform_id', 'listed_on desc') }}
