-- One row per game and publisher, for the live games whose companies are known (dim_game_details):
-- the publishers their newest stored detail names.
select
    companies.game_id,
    {{ json_int('companies.element', 'id') }} as publisher_id,
    {{ json_text('companies.element', 'name') }} as publisher_name
from {{ unnest_json_array(ref('stg_game_details'), 'publishers', keep=['game_id']) }} as companies
where companies.game_id in (select game_id from {{ ref('dim_game_details') }} where companies_known)
