-- One row per game per snapshot date: how the game stood in each full listing, and how far it
-- moved since the game's previous snapshot (the market's momentum).
-- Incremental by game: a build recomputes the snapshot chains of the games that snapshot rows
-- loaded since its mark (build_loads) hold; a day's updated window changes none of them.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='game_id') }}
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
        added_playing_count,
        loaded_at
    from {{ ref('stg_games') }}
    where
        partition_load = 'snapshot'
        {%- if is_incremental() %}
        and game_id in (
            select loaded.game_id
            from {{ ref('stg_games') }} as loaded
            where loaded.partition_load = 'snapshot' and loaded.loaded_at > {{ loaded_up_to() }}
        )
        {%- endif %}

)

select
    snapshots.game_id,
    snapshots.snapshot_date,
    snapshots.rating,
    snapshots.ratings_count,
    snapshots.metacritic,
    snapshots.added_count,
    snapshots.added_yet_count,
    snapshots.added_owned_count,
    snapshots.added_beaten_count,
    snapshots.added_toplay_count,
    snapshots.added_dropped_count,
    snapshots.added_playing_count,
    lag(snapshots.snapshot_date) over (partition by snapshots.game_id order by snapshots.snapshot_date) as previous_snapshot_date,
    snapshots.added_count - lag(snapshots.added_count) over (partition by snapshots.game_id order by snapshots.snapshot_date) as added_change,
    snapshots.ratings_count - lag(snapshots.ratings_count) over (partition by snapshots.game_id order by snapshots.snapshot_date) as ratings_count_change,
    snapshots.rating - lag(snapshots.rating) over (partition by snapshots.game_id order by snapshots.snapshot_date) as rating_change,
    max(snapshots.loaded_at) over (partition by snapshots.game_id) as last_loaded_at
from snapshots
