-- Every version of every game the lake holds: one row per game and partition, typed and renamed.
-- The full item shape (snapshot listings) and the thinner filtered one (updated= windows) read
-- the same: the thin shape only lacks nested detail that no column here needs.
with items as (

    select
        partition_load,
        partition_date,
        {{ json_int('item', 'id') }} as game_id,
        {{ json_text('item', 'slug') }} as game_slug,
        {{ json_text('item', 'name') }} as game_name,
        {{ json_date('item', 'released') }} as released_on,
        coalesce({{ json_bool('item', 'tba') }}, false) as is_tba,
        {{ json_timestamp('item', 'updated') }} as updated_at,
        {{ json_number('item', 'rating') }} as rating,
        {{ json_int('item', 'rating_top') }} as rating_top,
        coalesce({{ json_int('item', 'ratings_count') }}, 0) as ratings_count,
        coalesce({{ json_int('item', 'reviews_count') }}, 0) as reviews_count,
        coalesce({{ json_int('item', 'reviews_text_count') }}, 0) as reviews_text_count,
        {{ json_int('item', 'metacritic') }} as metacritic,
        {{ json_int('item', 'playtime') }} as playtime_hours,
        coalesce({{ json_int('item', 'suggestions_count') }}, 0) as suggestions_count,
        coalesce({{ json_int('item', 'added') }}, 0) as added_count,
        -- The API leaves out statuses nobody has, and sends null for a game nobody added.
        coalesce({{ json_int('item', 'added_by_status.yet') }}, 0) as added_yet_count,
        coalesce({{ json_int('item', 'added_by_status.owned') }}, 0) as added_owned_count,
        coalesce({{ json_int('item', 'added_by_status.beaten') }}, 0) as added_beaten_count,
        coalesce({{ json_int('item', 'added_by_status.toplay') }}, 0) as added_toplay_count,
        coalesce({{ json_int('item', 'added_by_status.dropped') }}, 0) as added_dropped_count,
        coalesce({{ json_int('item', 'added_by_status.playing') }}, 0) as added_playing_count,
        {{ json_int('item', 'esrb_rating.id') }} as esrb_rating_id,
        {{ json_text('item', 'esrb_rating.name') }} as esrb_rating_name,
        {{ json_text('item', 'background_image') }} as background_image_url,
        {{ json_value('item', 'genres') }} as genres,
        {{ json_value('item', 'platforms') }} as platforms,
        {{ json_value('item', 'parent_platforms') }} as parent_platforms,
        {{ json_value('item', 'stores') }} as stores,
        {{ json_value('item', 'tags') }} as tags
    from {{ ref('base_games') }}

)

select *
from items
-- Filtered listings can repeat an item across pages: keep one per partition, the newest edit.
{{ keep_first_per_key('game_id, partition_load, partition_date', 'updated_at desc nulls last, added_count desc') }}
