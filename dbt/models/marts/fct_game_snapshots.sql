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
    lag(snapshots.snapshot_date) over (partition by snapshots.game_id order by snapshots.snapshot_date) as previous_snapshot_date,
    snapshots.added_count - lag(snapshots.added_count) over (partition by snapshots.game_id order by snapshots.snapshot_date) as added_change,
    snapshots.ratings_count - lag(snapshots.ratings_count) over (partition by snapshots.game_id order by snapshots.snapshot_date) as ratings_count_change,
    snapshots.rating - lag(snapshots.rating) over (partition by snapshots.game_id order by snapshots.snapshot_date) as rating_change
from snapshots
