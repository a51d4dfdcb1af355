-- One row per store, as the newest stored listing of the stores endpoint describes it.
with items as (

    select
        partition_date as listed_on,
        {{ json_int('item', 'id') }} as store_id,
        {{ json_text('item', 'name') }} as store_name,
        {{ json_text('item', 'slug') }} as store_slug,
        {{ json_text('item', 'domain') }} as store_domain,
        {{ json_int('item', 'games_count') }} as games_count,
        {{ json_text('item', 'image_background') }} as image_background_url
    from {{ ref('base_stores') }}
    -- A page without items leaves one row with a null item in base.
    where item is not null

)

select *
from items
{{ keep_first_per_key('store_id', 'listed_on desc') }}
