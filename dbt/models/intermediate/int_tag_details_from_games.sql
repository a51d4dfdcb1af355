-- Per tag that games nest: the games_count and picture the newest item carrying them gives.
-- Incremental by tag: the items loaded since are merged with the values held (newest wins).
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='tag_id') }}
{{ newest_nested_details('tags', 'tag_id') }}
