{#-
  Builds after the partition layer work on what the last loads added, not on the history. Each
  row stg_games types is stamped with the build that loaded it (loaded_at); every model that is
  incremental by game (or by nested object) keeps `last_loaded_at`, the newest stamp it has taken
  in, and a build takes in only the rows stamped later. A build that failed half-way leaves each
  model at its own mark, so the next one catches up whatever each missed.
-#}

{#- The stamp of this build's loads: the time dbt started it, as a timestamp without zone. -#}
{% macro build_loaded_at() -%}
  cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}

{#-
  The newest load this incremental model has taken in, as a literal: max(last_loaded_at) of the
  model before this build touches it (a pre-hook that deletes rows cannot move it). A model
  built before any load, or not incremental now, takes in everything.
-#}
{% macro loaded_up_to() -%}
  {%- set mark = none -%}
  {%- if execute and is_incremental() -%}
    {%- set mark = run_query('select max(last_loaded_at) from ' ~ this).columns[0].values()[0] -%}
  {%- endif -%}
  {%- if mark is none -%}
    cast('1900-01-01 00:00:00' as timestamp)
  {%- else -%}
    cast('{{ mark.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
  {%- endif -%}
{%- endmacro %}

{#-
  The games whose newest version or history a load changed since this model's mark: a subquery
  of game ids from int_games_latest. A model keyed on game_id rebuilds exactly these.
-#}
{% macro games_loaded_since_built() -%}
  (
    select latest.game_id
    from {{ ref('int_games_latest') }} as latest
    where latest.last_loaded_at > {{ loaded_up_to() }}
  )
{%- endmacro %}

{#-
  Pre-hook of a model with many rows per game: an incremental build first drops the rows of the
  games it rebuilds, so a game whose new version has none (no tags any more) keeps none.
  delete+insert alone would only replace games that still have rows.
-#}
{% macro delete_games_loaded_since_built() -%}
  {%- if is_incremental() -%}
    delete from {{ this }} where game_id in {{ games_loaded_since_built() }}
  {%- endif -%}
{%- endmacro %}

{#- The rows of int_games_latest a model keyed on game_id takes in: all of them on a full build. -#}
{% macro games_to_rebuild() -%}
  {%- if is_incremental() -%}
    (
      select latest.*
      from {{ ref('int_games_latest') }} as latest
      where latest.last_loaded_at > {{ loaded_up_to() }}
    )
  {%- else -%}
    {{ ref('int_games_latest') }}
  {%- endif -%}
{%- endmacro %}
