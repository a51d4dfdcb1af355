-- The platforms of each game's newest version. Full items nest the platform under `platform`
-- beside the release date on it; the thin filtered shape has the same `platform` object only.
-- Incremental by game: a build replaces the rows of the games loaded since (build_loads).
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='game_id', pre_hook="{{ delete_games_loaded_since_built() }}") }}
with entries as (

    select
        entry.game_id,
        entry.last_loaded_at,
        {{ json_int('entry.element', 'platform.id') }} as platform_id,
        {{ json_text('entry.element', 'platform.name') }} as platform_name,
        {{ json_text('entry.element', 'platform.slug') }} as platform_slug,
        {{ json_date('entry.element', 'released_at') }} as released_on_platform
    from {{ unnest_json_array(games_to_rebuild(), 'platforms', keep=['game_id', 'last_loaded_at']) }} as entry

)

select *
from entries
{{ keep_first_per_key('game_id, platform_id', 'released_on_platform nulls last') }}
