-- The platforms of each game's newest version. Full items nest the platform under `platform`
-- beside the release date on it; the thin filtered shape has the same `platform` object only.
with entries as (

    select
        entry.game_id,
        {{ json_int('entry.element', 'platform.id') }} as platform_id,
        {{ json_text('entry.element', 'platform.name') }} as platform_name,
        {{ json_text('entry.element', 'platform.slug') }} as platform_slug,
        {{ json_date('entry.element', 'released_at') }} as released_on_platform
    from {{ unnest_json_array(ref('int_games_latest'), 'platforms', keep=['game_id']) }} as entry

)

select *
from entries
{{ keep_first_per_key('game_id, platform_id', 'released_on_platform nulls last') }}
