-- The parent platforms (families such as PlayStation) of each game's newest version.
select distinct
    game.game_id,
    {{ json_int('entry.value', 'platform.id') }} as parent_platform_id,
    {{ json_text('entry.value', 'platform.name') }} as parent_platform_name,
    {{ json_text('entry.value', 'platform.slug') }} as parent_platform_slug
from {{ ref('int_games_latest') }} as game
{{ unnest_json_array('game.parent_platforms', alias='entry') }}
