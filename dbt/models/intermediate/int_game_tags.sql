-- The tags of each game's newest version, with the names the game itself carries.
select distinct
    tag.game_id,
    {{ json_int('tag.element', 'id') }} as tag_id,
    {{ json_text('tag.element', 'name') }} as tag_name,
    {{ json_text('tag.element', 'slug') }} as tag_slug,
    {{ json_text('tag.element', 'language') }} as tag_language
from {{ unnest_json_array(ref('int_games_latest'), 'tags', keep=['game_id']) }} as tag
