-- Per store that games nest: the games_count and picture the newest item carrying them gives.
-- Incremental by store: the items loaded since are merged with the values held (newest wins).
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='store_id') }}
{{ newest_nested_details('stores', 'store_id', 'store') }}
