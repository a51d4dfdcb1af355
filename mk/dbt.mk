# The warehouse: dbt and DuckDB (with httpfs from PyPI) in the project venv .venv, made by
# `gmp transform --setup-only` (the same code `gmp transform` runs on first use). The Snowflake
# emulator for the prod-path tests gets its own venv: fakesnow pins a duckdb that dbt-duckdb's
# httpfs package cannot share.
DBT_VENV_STAMP := .venv/.gmp-installed
FAKESNOW_VENV := $(TOOLS)/fakesnow-venv

SETUP_STEPS += $(DBT_VENV_STAMP)
TEST_STEPS += $(FAKESNOW_VENV)/bin/fakesnow

$(DBT_VENV_STAMP): dbt/requirements.txt dbt/constraints.txt dbt/scripts/install_httpfs.py | build
	bin/gmp.js transform --setup-only

$(FAKESNOW_VENV)/bin/fakesnow: dbt/requirements-emulator.txt
	@echo "installing the fakesnow Snowflake emulator into its own venv (once)"
	rm -rf $(FAKESNOW_VENV)
	python3 -m venv $(FAKESNOW_VENV)
	$(FAKESNOW_VENV)/bin/pip install --quiet --disable-pip-version-check -r dbt/requirements-emulator.txt
	test -x $@ && touch $@

.PHONY: bench-dbt
bench-dbt: setup ## time gmp transform on 30 days of history of 100,000 sandbox games: full, one more day, that day alone
	node --import tsx bench/dbt-history.ts
