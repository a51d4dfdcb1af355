-- One row per publisher, as the newest stored listing of the publishers endpoint describes it.
with items as (

    select
        partition_date as listed_on,
        {{ json_int('item', 'id') }} as publisher_id,
        {{ json_text('item', 'name') }} as publisher_name,
        {{ json_text('item', 'slug') }} as publisher_slug,
        {{ json_int('item', 'games_count') }} as games_count,
        {{ json_text('item', 'image_background') }} as image_background_url
    from {{ ref('base_publishers') }}
    -- A page without items leaves one row with a null item in base.
    where item is not null

)

select *
from items
{{ keep_first_per_key('publisher_id', 'listed_on desc') }}
