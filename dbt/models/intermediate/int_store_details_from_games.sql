-- Per store that games nest: the games_count and picture the newest item carrying them gives.
{{ newest_nested_details('stores', 'store_id', 'store') }}
