-- The serving layer of the lambda design: per game, the newest version across the batch layer
-- (load=snapshot listings) and the speed layer (load=updated day windows). Newest means the
-- latest `updated` edit; for the same edit, the latest partition, whose counts are fresher.
with history as (

    select
        game_id,
        min(partition_date) as first_seen_on,
        count(*) as versions_seen
    from {{ ref('stg_games') }}
    group by game_id

),

newest as (

    select *
    from {{ ref('stg_games') }}
    {{ keep_first_per_key('game_id', game_observation_order(newest_first=true)) }}

)

select
    newest.*,
    history.first_seen_on,
    history.versions_seen
from newest
inner join history on newest.game_id = history.game_id
