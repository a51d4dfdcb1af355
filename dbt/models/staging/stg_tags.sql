-- One row per tag, as the newest stored listing of the tags endpoint describes it.
with items as (

    select
        partition_date as listed_on,
        {{ json_int('item', 'id') }} as tag_id,
        {{ json_text('item', 'name') }} as tag_name,
        {{ json_text('item', 'slug') }} as tag_slug,
        {{ json_text('item', 'language') }} as tag_language,
        {{ json_int('item', 'games_count') }} as games_count,
        {{ json_text('item', 'image_background') }} as image_background_url
    from {{ ref('base_tags') }}
    -- A page without items leaves one row with a null item in base.
    where item is not null

)

select *
from items
{{ keep_first_per_key('tag_id', 'listed_on desc') }}
