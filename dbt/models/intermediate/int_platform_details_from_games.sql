-- Per platform that games nest: the games_count and picture the newest item carrying them gives.
-- Incremental by platform: the items loaded since are merged with the values held (newest wins).
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='platform_id') }}
{{ newest_nested_details('platforms', 'platform_id', 'platform') }}
