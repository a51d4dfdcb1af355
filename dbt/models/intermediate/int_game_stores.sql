-- The stores that sell each game's newest version. The outer `id` of an entry is the listing's
-- own id; the store is the nested `store` object.
select distinct
    game.game_id,
    {{ json_int('entry.value', 'store.id') }} as store_id,
    {{ json_text('entry.value', 'store.name') }} as store_name,
    {{ json_text('entry.value', 'store.slug') }} as store_slug,
    {{ json_text('entry.value', 'store.domain') }} as store_domain
from {{ ref('int_games_latest') }} as game
{{ unnest_json_array('game.stores', alias='entry') }}
