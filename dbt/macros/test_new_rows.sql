{#-
  Which rows a data test reads (dbt's get_where_subquery, which wraps the model of every generic
  test). A build gmp gave a selection (`--select`: only what depends on new partitions) tests
  only the rows it wrote, where that is enough: a test that judges each row on its own
  (ROW_TESTS) of a model incremental by load stamp reads the rows stamped by this build
  (`loaded_at` or `last_loaded_at` at or after run_started_at). Every other row passed the same
  tests when it was written: a build whose tests failed is rebuilt whole next time. Tests across
  rows (unique, has_rows), tests of models rebuilt whole, and every test of a build without a
  selection (`--full-refresh`, a changed project, dbt run by hand) read the whole model, as dbt
  does; a test's own `where` config still applies.
-#}
{% macro default__get_where_subquery(relation) -%}
  {%- set row_tests = ['not_null', 'accepted_values', 'accepted_range', 'relationships'] -%}
  {%- set where = config.get('where', '') -%}
  {%- set stamp = none -%}
  {%- if execute and invocation_args_dict.get('select') and model.test_metadata and model.test_metadata.name in row_tests -%}
    {%- set tested = graph.nodes.get(model.attached_node) if model.attached_node else none -%}
    {%- if tested and tested.config.materialized == 'incremental' -%}
      {%- if 'loaded_at' in tested.columns -%}
        {%- set stamp = 'loaded_at' -%}
      {%- elif 'last_loaded_at' in tested.columns -%}
        {%- set stamp = 'last_loaded_at' -%}
      {%- endif -%}
    {%- endif -%}
  {%- endif -%}
  {%- if stamp is not none -%}
    {%- set written = stamp ~ " >= cast('" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f') ~ "' as timestamp)" -%}
    {%- do return('(select * from ' ~ relation ~ ' where ' ~ written ~ ((' and (' ~ where ~ ')') if where else '') ~ ') dbt_subquery') -%}
  {%- elif where -%}
    {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -%}
  {%- else -%}
    {%- do return(relation) -%}
  {%- endif -%}
{%- endmacro %}
