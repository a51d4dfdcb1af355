-- Every version of every game in the lake: one row per game and partition, typed and renamed.
-- The full item shape (snapshot listings) and the thinner filtered one (updated= windows) read
-- the same: the thin shape only lacks nested detail that no column here needs.
-- Incremental on the partition: a build types only the partitions base_games added since, and
-- stamps them with the build (loaded_at): what the models after it take in (see build_loads).
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key=['partition_load', 'partition_date']) }}
with items as (

    select *
    from {{ select_json_fields(partitions_not_held(ref('base_games')), 'item', keep=['partition_load', 'partition_date'], fields=[
        ('game_id', 'id', 'integer'),
        ('game_slug', 'slug', 'text'),
        ('game_name', 'name', 'text'),
        ('released_on', 'released', 'date'),
        ('is_tba', 'tba', 'boolean'),
        ('updated_at', 'updated', 'timestamp'),
        ('rating', 'rating', 'number'),
        ('rating_top', 'rating_top', 'integer'),
        ('ratings_count', 'ratings_count', 'integer'),
        ('reviews_count', 'reviews_count', 'integer'),
        ('reviews_text_count', 'reviews_text_count', 'integer'),
        ('metacritic', 'metacritic', 'integer'),
        ('playtime_hours', 'playtime', 'integer'),
        ('suggestions_count', 'suggestions_count', 'integer'),
        ('added_count', 'added', 'integer'),
        ('added_yet_count', 'added_by_status.yet', 'integer'),
        ('added_owned_count', 'added_by_status.owned', 'integer'),
        ('added_beaten_count', 'added_by_status.beaten', 'integer'),
        ('added_toplay_count', 'added_by_status.toplay', 'integer'),
        ('added_dropped_count', 'added_by_status.dropped', 'integer'),
        ('added_playing_count', 'added_by_status.playing', 'integer'),
        ('esrb_rating_id', 'esrb_rating.id', 'integer'),
        ('esrb_rating_name', 'esrb_rating.name', 'text'),
        ('background_image_url', 'background_image', 'text'),
        ('genres', 'genres', 'json'),
        ('platforms', 'platforms', 'json'),
        ('parent_platforms', 'parent_platforms', 'json'),
        ('stores', 'stores', 'json'),
        ('tags', 'tags', 'json'),
    ]) }} as fields

),

typed as (

    select
        partition_load,
        partition_date,
        game_id,
        game_slug,
        game_name,
        released_on,
        coalesce(is_tba, false) as is_tba,
        updated_at,
        rating,
        rating_top,
        coalesce(ratings_count, 0) as ratings_count,
        coalesce(reviews_count, 0) as reviews_count,
        coalesce(reviews_text_count, 0) as reviews_text_count,
        metacritic,
        playtime_hours,
        coalesce(suggestions_count, 0) as suggestions_count,
        coalesce(added_count, 0) as added_count,
        -- The API leaves out statuses nobody has, and sends null for a game nobody added.
        coalesce(added_yet_count, 0) as added_yet_count,
        coalesce(added_owned_count, 0) as added_owned_count,
        coalesce(added_beaten_count, 0) as added_beaten_count,
        coalesce(added_toplay_count, 0) as added_toplay_count,
        coalesce(added_dropped_count, 0) as added_dropped_count,
        coalesce(added_playing_count, 0) as added_playing_count,
        esrb_rating_id,
        esrb_rating_name,
        background_image_url,
        genres,
        platforms,
        parent_platforms,
        stores,
        tags,
        {{ build_loaded_at() }} as loaded_at
    from items
    -- A page without items leaves one row with a null item in base_games.
    where game_id is not null

)

select *
from typed
-- Filtered listings can repeat an item across pages: keep one per partition, the newest edit.
{{ keep_first_per_key('game_id, partition_load, partition_date', 'updated_at desc nulls last, added_count desc') }}
