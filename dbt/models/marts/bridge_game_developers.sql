-- One row per game and developer, for the live games whose companies are known (dim_game_details):
-- the developers their newest stored detail names.
select
    companies.game_id,
    {{ json_int('companies.element', 'id') }} as developer_id,
    {{ json_text('companies.element', 'name') }} as developer_name
from {{ unnest_json_array(ref('stg_game_details'), 'developers', keep=['game_id']) }} as companies
inner join {{ ref('dim_game_details') }} as details
    on companies.game_id = details.game_id
where details.companies_known
