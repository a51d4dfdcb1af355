{#-
  The API's `next` and `previous` links carry the caller's key; ingest strips it before a page is
  stored. `column_name` is a base model's flag, true for the items of a page whose links still
  hold `key=` (see lake_pages): the links themselves are never selected, so a failure never
  echoes a key. Fails with one row per partition holding such a page.
-#}
{% test no_api_key_in_page_links(model, column_name) %}
select partition_load, partition_date, count(*) as items_of_pages_with_key_in_links
from {{ model }}
where {{ column_name }}
group by partition_load, partition_date
{% endtest %}
