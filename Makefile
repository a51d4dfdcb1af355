# Every target sets up what it needs, idempotently, into ignored folders (.tools, .venv,
# node_modules, dist). Areas add their own setup steps in mk/*.mk:
#   SETUP_STEPS += <target>   runs before the main job and the tests
#   TEST_STEPS  += <target>   runs before the tests only
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run

TOOLS := $(CURDIR)/.tools
export PATH := $(TOOLS)/bin:$(PATH)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

SETUP_STEPS :=
TEST_STEPS :=
# The tests' setup runs four steps at once: the Go builds, bound by CPU, beside the pip, npm and apt
# steps, bound by the network (13 minutes instead of 18 on a fresh 2-core machine). Lines of
# output stay whole, and the tests' own output streams as they run.
ifneq ($(filter test test-integration,$(MAKECMDGOALS)),)
MAKEFLAGS += --jobs=4 --output-sync=line
endif
# apt-get as root (through sudo otherwise), one at a time: steps that run side by side share dpkg's lock.
APT_GET = $$([ "$$(id -u)" = 0 ] || echo sudo) flock /tmp/gmp-apt.lock apt-get
include $(sort $(wildcard mk/*.mk))

.PHONY: run test setup build help
help: ## list the targets and what each does
	@grep -hE '^[a-z][a-z0-9-]*:.*## ' $(MAKEFILE_LIST) | sort | awk -F':.*## ' '{ printf "%-20s %s\n", $$1, $$2 }'

run: setup ## run the main job on embedded defaults (sandbox API, local lake)
	bin/gmp.js pipeline

test: setup $(TEST_STEPS) ## set up, then run every test: the unit tier first, then the integration tier
	npx vitest run --project unit
	npx vitest run --project integration

setup: node_modules/.installed build $(SETUP_STEPS)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

build: node_modules/.installed
	npx tsc -p tsconfig.build.json

.PHONY: run-s3 s3-server
run-s3: setup $(TOOLS)/bin/versitygw ## the same pipeline on a local S3 server (the lake read by DuckDB through httpfs)
	scripts/run-s3.sh

s3-server: build $(TOOLS)/bin/versitygw ## that local S3 server alone, until Ctrl-C: the lake of gmp and of dagger call
	scripts/run-s3.sh serve
