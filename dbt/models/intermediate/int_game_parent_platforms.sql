-- The parent platforms (families such as PlayStation) of each game's newest version.
select distinct
    entry.game_id,
    {{ json_int('entry.element', 'platform.id') }} as parent_platform_id,
    {{ json_text('entry.element', 'platform.name') }} as parent_platform_name,
    {{ json_text('entry.element', 'platform.slug') }} as parent_platform_slug
from {{ unnest_json_array(ref('int_games_latest'), 'parent_platforms', keep=['game_id']) }} as entry
