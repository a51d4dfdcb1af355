-- The history of every game: one row per distinct version of its metrics, in the order RAWG
-- wrote them, from snapshot listings and updated windows alike. An observation whose metrics
-- equal the one before it (in that order) confirms the open version instead of opening one.
--
-- Incremental by game, not by partition: partitions arrive out of order (a backfill snapshot
-- closes weeks after the daily windows that follow its date), so an old observation can land in
-- the middle of a chain. A build takes the games that rows loaded since its mark observe
-- (build_loads), recomputes their whole chain, and replaces it (delete+insert on game_id); every
-- other game is left as it is.
-- depends_on: {{ ref('int_games_latest') }}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='game_id') }}

{%- set metrics = [
    'rating', 'rating_top', 'ratings_count', 'reviews_count', 'reviews_text_count', 'metacritic',
    'playtime_hours', 'suggestions_count', 'added_count', 'added_yet_count', 'added_owned_count',
    'added_beaten_count', 'added_toplay_count', 'added_dropped_count', 'added_playing_count',
] -%}
{#- The order of a game's observations: int_games_latest's newest version is the last here. -#}
{%- set chain = "partition by game_id order by " ~ game_observation_order() -%}

with observations as (

    select
        game_id,
        partition_load,
        partition_date,
        updated_at,
        -- The day the observation is known to hold from: its partition's date, or the day of the
        -- edit it carries when that is later (a backfill window read after its snapshot began).
        greatest(partition_date, coalesce(cast(updated_at as date), partition_date)) as observed_on,
        loaded_at,
        {{ metrics | join(',\n        ') }}
    from {{ ref('stg_games') }}
    {%- if is_incremental() %}
    where game_id in {{ games_loaded_since_built() }}
    {%- endif %}

),

compared as (

    select
        observations.*,
        case
            when row_number() over ({{ chain }}) = 1 then 1
            {%- for metric in metrics %}
            when not ({{ metric }} is not distinct from lag({{ metric }}) over ({{ chain }})) then 1
            {%- endfor %}
            else 0
        end as opens_version,
        -- Days never run backwards along a chain, even where the data's edit times disagree.
        max(observations.observed_on) over ({{ chain }} rows between unbounded preceding and current row) as known_from,
        max(observations.loaded_at) over (partition by observations.game_id) as last_loaded_at
    from observations

),

numbered as (

    select
        compared.*,
        cast(sum(compared.opens_version) over ({{ chain }} rows between unbounded preceding and current row) as integer) as version_number
    from compared

),

seen as (

    select
        game_id,
        version_number,
        count(*) as observation_count,
        max(observed_on) as last_seen_on
    from numbered
    group by game_id, version_number

)

select
    numbered.game_id,
    numbered.version_number,
    numbered.known_from as valid_from,
    lead(numbered.known_from) over (partition by numbered.game_id order by numbered.version_number) as valid_to,
    {%- for metric in metrics %}
    numbered.{{ metric }},
    {%- endfor %}
    numbered.updated_at,
    numbered.partition_load as first_seen_load,
    numbered.partition_date as first_seen_date,
    seen.last_seen_on,
    seen.observation_count,
    numbered.last_loaded_at
from numbered
inner join seen on numbered.game_id = seen.game_id and numbered.version_number = seen.version_number
where numbered.opens_version = 1
