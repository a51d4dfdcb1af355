-- The stores that sell each game's newest version. The outer `id` of an entry is the listing's
-- own id; the store is the nested `store` object.
select distinct
    entry.game_id,
    {{ json_int('entry.element', 'store.id') }} as store_id,
    {{ json_text('entry.element', 'store.name') }} as store_name,
    {{ json_text('entry.element', 'store.slug') }} as store_slug,
    {{ json_text('entry.element', 'store.domain') }} as store_domain
from {{ unnest_json_array(ref('int_games_latest'), 'stores', keep=['game_id']) }} as entry
