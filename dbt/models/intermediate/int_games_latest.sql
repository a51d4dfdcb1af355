-- Per game, the newest version across snapshot partitions and updated partitions (the games
-- changed on one day). Newest means the latest `updated` edit; for the same edit, the latest
-- partition, whose counts are fresher.
-- Incremental by game: a build recomputes only the games that rows loaded since its mark
-- (build_loads) observe, from all their observations, so a late partition counts as well.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='game_id') }}
with observations as (

    select *
    from {{ ref('stg_games') }}
    {%- if is_incremental() %}
    where
        game_id in (
            select loaded.game_id
            from {{ ref('stg_games') }} as loaded
            where loaded.loaded_at > {{ loaded_up_to() }}
        )
    {%- endif %}

),

history as (

    select
        game_id,
        min(partition_date) as first_seen_on,
        -- The newest partition that holds the game: a complete snapshot dated after it proves
        -- the game gone (dim_games.is_deleted).
        max(partition_date) as last_seen_on,
        count(*) as versions_seen,
        max(loaded_at) as last_loaded_at
    from observations
    group by game_id

),

newest as (

    select *
    from observations
    {{ keep_first_per_key('game_id', game_observation_order(newest_first=true)) }}

)

select
    newest.*,
    history.first_seen_on,
    history.last_seen_on,
    history.versions_seen,
    history.last_loaded_at
from newest
inner join history on newest.game_id = history.game_id
