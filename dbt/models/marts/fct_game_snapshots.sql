-- One row per game per snapshot date: how the game stood in each full listing, and how far it
-- moved since the game's previous snapshot (the market's momentum).
with snapshots as (

    select
        game_id,
        partition_date as snapshot_date,
        rating,
        ratings_count,
        metacritic,
        added_count,
        added_yet_count,
        added_owned_count,
        added_beaten_count,
        added_toplay_count,
        added_dropped_count,
        added_playing_count
    from {{ ref('stg_games') }}
    where partition_load = 'snapshot'

)

select
    snapshots.*,
    lag(snapshot_date) over (partition by game_id order by snapshot_date) as previous_snapshot_date,
    added_count - lag(added_count) over (partition by game_id order by snapshot_date) as added_change,
    ratings_count - lag(ratings_count) over (partition by game_id order by snapshot_date) as ratings_count_change,
    rating - lag(rating) over (partition by game_id order by snapshot_date) as rating_change
from snapshots
