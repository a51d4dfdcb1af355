-- The serving layer of the lambda design: per game, the newest version across the batch layer
-- (load=snapshot listings) and the speed layer (load=updated day windows). Newest means the
-- latest `updated` edit; for the same edit, the latest partition, whose counts are fresher.
with versions as (

    select
        *,
        min(partition_date) over (partition by game_id) as first_seen_on,
        count(*) over (partition by game_id) as versions_seen
    from {{ ref('stg_games') }}

)

select *
from versions
{{ keep_first_per_key(
    'game_id',
    "updated_at desc nulls last, partition_date desc, case when partition_load = 'updated' then 1 else 0 end desc"
) }}
