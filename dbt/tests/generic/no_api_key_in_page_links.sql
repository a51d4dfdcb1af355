{#-
  The API's `next` and `previous` links carry the caller's key; ingest strips it before a page is
  stored. Fails with one row per page whose links still hold a `key=` parameter (the links
  themselves are not selected, so a failure never echoes a key).
-#}
{% test no_api_key_in_page_links(model, column_name) %}
select 1 as page_with_key_in_links
from {{ select_json_fields(model, column_name, fields=[
    ('next_link', 'next', 'text'),
    ('previous_link', 'previous', 'text'),
]) }} as links
where next_link like '%key=%' or previous_link like '%key=%'
{% endtest %}
