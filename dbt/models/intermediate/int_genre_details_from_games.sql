-- Per genre that games nest: the games_count and picture the newest item carrying them gives.
-- Incremental by genre: the items loaded since are merged with the values held (newest wins).
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='genre_id') }}
{{ newest_nested_details('genres', 'genre_id') }}
