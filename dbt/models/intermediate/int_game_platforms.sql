-- The platforms of each game's newest version. Full items nest the platform under `platform`
-- beside the release date on it; the thin filtered shape has the same `platform` object only.
with entries as (

    select
        game.game_id,
        {{ json_int('entry.value', 'platform.id') }} as platform_id,
        {{ json_text('entry.value', 'platform.name') }} as platform_name,
        {{ json_text('entry.value', 'platform.slug') }} as platform_slug,
        {{ json_date('entry.value', 'released_at') }} as released_on_platform
    from {{ ref('int_games_latest') }} as game
    {{ unnest_json_array('game.platforms', alias='entry') }}

)

select *
from entries
{{ keep_first_per_key('game_id, platform_id', 'released_on_platform nulls last') }}
