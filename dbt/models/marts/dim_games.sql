-- One row per game: its newest version (see int_games_latest), with counts of what it links to,
-- and whether the API still serves it. A game is deleted when the newest complete snapshot is
-- dated after every partition that holds it: absent from that snapshot and from every updated
-- partition since its date (a game edited after its window was read is in one of those).
-- Incremental by game: a build replaces the games loaded since its mark (build_loads); what
-- they link to changed in the same build, and only for them. A newer complete snapshot loads no
-- row of a game it lacks, so the live games it proves gone are replaced as well.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='game_id') }}
{%- set proof = newest_complete_snapshot('games') %}
{%- set gone_before = "cast('" ~ proof ~ "' as date)" if proof else none %}
{%- set rebuilt = "where game_id in (select games.game_id from games)" if is_incremental() else "" %}
with games as (
    select * from {{ games_to_rebuild() }}
    {%- if is_incremental() and gone_before %}
    union all
    select latest.*
    from {{ ref('int_games_latest') }} as latest
    where
        latest.game_id in (
            select held.game_id from {{ this }} as held
            where not held.is_deleted and held.last_seen_on < {{ gone_before }}
        )
        and latest.game_id not in (select rebuilt.game_id from {{ games_to_rebuild() }} as rebuilt)
    {%- endif %}
),

genre_counts as (
    select
        game_id,
        count(*) as genre_count
    from {{ ref('int_game_genres') }}
    {{ rebuilt }}
    group by game_id
),

platform_counts as (
    select
        game_id,
        count(*) as platform_count
    from {{ ref('int_game_platforms') }}
    {{ rebuilt }}
    group by game_id
),

store_counts as (
    select
        game_id,
        count(*) as store_count
    from {{ ref('int_game_stores') }}
    {{ rebuilt }}
    group by game_id
)

select
    game.game_id,
    game.game_slug,
    game.game_name,
    game.released_on,
    extract(year from game.released_on) as release_year,
    game.is_tba,
    game.rating,
    game.rating_top,
    game.ratings_count,
    game.reviews_count,
    game.reviews_text_count,
    game.metacritic,
    game.playtime_hours,
    game.suggestions_count,
    game.added_count,
    game.added_yet_count,
    game.added_owned_count,
    game.added_beaten_count,
    game.added_toplay_count,
    game.added_dropped_count,
    game.added_playing_count,
    game.esrb_rating_id,
    game.esrb_rating_name,
    game.background_image_url,
    coalesce(genre_counts.genre_count, 0) as genre_count,
    coalesce(platform_counts.platform_count, 0) as platform_count,
    coalesce(store_counts.store_count, 0) as store_count,
    game.updated_at,
    game.partition_load as version_load,
    game.partition_date as version_date,
    game.first_seen_on,
    game.last_seen_on,
    {% if gone_before -%}
    game.last_seen_on < {{ gone_before }}
    {%- else -%}
    false
    {%- endif %} as is_deleted,
    game.versions_seen,
    game.last_loaded_at
from games as game
left join genre_counts on game.game_id = genre_counts.game_id
left join platform_counts on game.game_id = platform_counts.game_id
left join store_counts on game.game_id = store_counts.game_id
