-- One row per game whose detail the lake holds: the newest stored detail (the highest `updated`,
-- then the newest batch), typed. The detail alone names the game's publishers and developers.
with details as (

    select *
    from {{ select_json_fields(ref('base_game_details'), 'item', keep=['partition_date'], fields=[
        ('game_id', 'id', 'integer'),
        ('updated_at', 'updated', 'timestamp'),
        ('name_original', 'name_original', 'text'),
        ('description_raw', 'description_raw', 'text'),
        ('website_url', 'website', 'text'),
        ('metacritic_url', 'metacritic_url', 'text'),
        ('playtime_hours', 'playtime', 'integer'),
        ('screenshots_count', 'screenshots_count', 'integer'),
        ('movies_count', 'movies_count', 'integer'),
        ('creators_count', 'creators_count', 'integer'),
        ('achievements_count', 'achievements_count', 'integer'),
        ('parents_count', 'parents_count', 'integer'),
        ('additions_count', 'additions_count', 'integer'),
        ('game_series_count', 'game_series_count', 'integer'),
        ('reddit_url', 'reddit_url', 'text'),
        ('reddit_count', 'reddit_count', 'integer'),
        ('twitch_count', 'twitch_count', 'integer'),
        ('youtube_count', 'youtube_count', 'integer'),
        ('esrb_rating_name', 'esrb_rating.name', 'text'),
        ('metacritic_platforms', 'metacritic_platforms', 'json'),
        ('publishers', 'publishers', 'json'),
        ('developers', 'developers', 'json'),
    ]) }} as fields
    where game_id is not null

)

select
    game_id,
    updated_at as detail_updated_at,
    partition_date as fetched_in_batch,
    name_original,
    description_raw,
    nullif(website_url, '') as website_url,
    nullif(metacritic_url, '') as metacritic_url,
    playtime_hours,
    screenshots_count,
    movies_count,
    creators_count,
    achievements_count,
    parents_count,
    additions_count,
    game_series_count,
    nullif(reddit_url, '') as reddit_url,
    reddit_count,
    twitch_count,
    youtube_count,
    esrb_rating_name,
    metacritic_platforms,
    publishers,
    developers
from details
{{ keep_first_per_key('game_id', 'updated_at desc, partition_date desc') }}
