-- The stores that sell each game's newest version. The outer `id` of an entry is the listing's
-- own id; the store is the nested `store` object.
-- Incremental by game: a build replaces the rows of the games loaded since (build_loads).
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='game_id', pre_hook="{{ delete_games_loaded_since_built() }}") }}
select distinct
    entry.game_id,
    entry.last_loaded_at,
    {{ json_int('entry.element', 'store.id') }} as store_id,
    {{ json_text('entry.element', 'store.name') }} as store_name,
    {{ json_text('entry.element', 'store.slug') }} as store_slug,
    {{ json_text('entry.element', 'store.domain') }} as store_domain
from {{ unnest_json_array(games_to_rebuild(), 'stores', keep=['game_id', 'last_loaded_at']) }} as entry
