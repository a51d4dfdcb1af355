"""dbt's `adapter.dispatch` for sqlfluff's jinja templater: the models are linted as DuckDB SQL, so
a dispatched macro resolves to its `duckdb__` implementation (else its `default__` one), loaded
from dbt/macros like every other macro."""

from jinja2 import pass_context


@pass_context
def dispatch(context, macro_name, macro_namespace=None):
    for prefix in ("duckdb__", "default__"):
        macro = context.get(prefix + macro_name)
        if macro is not None:
            return macro
    raise KeyError(f"no duckdb__ or default__ implementation of the macro {macro_name}")
