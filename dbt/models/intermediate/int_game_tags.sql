-- The tags of each game's newest version, with the names the game itself carries.
select distinct
    game.game_id,
    {{ json_int('tag.value', 'id') }} as tag_id,
    {{ json_text('tag.value', 'name') }} as tag_name,
    {{ json_text('tag.value', 'slug') }} as tag_slug,
    {{ json_text('tag.value', 'language') }} as tag_language
from {{ ref('int_games_latest') }} as game
{{ unnest_json_array('game.tags', alias='tag') }}
