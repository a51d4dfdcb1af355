{#- Fails when the model is empty: a build over a lake that holds none of its pages. -#}
{% test has_rows(model) %}
select count(*) as row_count
from {{ model }}
having count(*) = 0
{% endtest %}
