# make lint: the TypeScript type-check (src, test, bench and the Dagger module), prettier and eslint, sqlfluff on the dbt models, tflint on infra/.
# make lint-fix: every mechanical fix they know (prettier --write, eslint --fix, tflint --fix,
# sqlfluff fix); what is left for a person, `make lint` then names. `make test` runs `make lint`.
# sqlfluff gets its own venv; tflint is built from the Go module proxy with only its bundled
# terraform ruleset (.tflint.hcl names no plugin to download).
TFLINT_VERSION := v0.64.0
TEST_STEPS += lint
SQLFLUFF_VENV := $(TOOLS)/sqlfluff-venv
TS_FILES := 'src/**/*.ts' 'test/**/*.ts' 'bench/**/*.ts' 'dagger/src/**/*.ts' vitest.config.ts eslint.config.js
TFLINT := $(TOOLS)/bin/tflint --chdir=infra --recursive --config=$(CURDIR)/.tflint.hcl --minimum-failure-severity=notice
SQLFLUFF := $(SQLFLUFF_VENV)/bin/sqlfluff

.PHONY: lint lint-types lint-ts lint-sql lint-tf lint-fix
lint: lint-types lint-ts lint-sql lint-tf ## check the TypeScript (tsc, prettier, eslint), the dbt models (sqlfluff) and infra/ (tflint)

lint-types: node_modules/.installed ## type-check src, test, bench and the Dagger module with tsc --noEmit
	npx tsc --noEmit -p tsconfig.json
	npx tsc --noEmit -p dagger

lint-ts: node_modules/.installed
	npx prettier --check --log-level warn $(TS_FILES)
	npx eslint .

lint-sql: $(SQLFLUFF_VENV)/.installed
	$(SQLFLUFF) lint dbt/models --processes 2

lint-tf: $(TOOLS)/bin/tflint
	$(TFLINT)

# Each fixer exits non-zero when something is left that it cannot fix: go on to the next one.
lint-fix: node_modules/.installed $(SQLFLUFF_VENV)/.installed $(TOOLS)/bin/tflint ## apply the linters' mechanical fixes to the whole tree
	-npx prettier --write --log-level warn $(TS_FILES)
	-npx eslint --fix .
	-$(TFLINT) --fix
	-$(SQLFLUFF) fix dbt/models --processes 2

$(SQLFLUFF_VENV)/.installed: lint/requirements-sqlfluff.txt
	@echo "installing sqlfluff into its own venv (once)"
	rm -rf $(SQLFLUFF_VENV)
	python3 -m venv $(SQLFLUFF_VENV)
	$(SQLFLUFF_VENV)/bin/pip install --quiet --disable-pip-version-check --no-input -r $<
	touch $@

# The stamp names the version, so changing the pin rebuilds the binary.
$(TOOLS)/bin/tflint: $(TOOLS)/.tflint-$(TFLINT_VERSION)
$(TOOLS)/.tflint-$(TFLINT_VERSION):
	@echo "building tflint $(TFLINT_VERSION) from the Go module proxy (a few minutes, once)"
	GOBIN=$(TOOLS)/bin go install -ldflags='-s -w' github.com/terraform-linters/tflint@$(TFLINT_VERSION)
	touch $@
