# The unit tier: tests that need only Node and node_modules (no servers, no child processes, no
# .tools, no dist/), in seconds on a fresh clone. `make test` runs it before the integration tier.
.PHONY: test-unit test-integration
test-unit: node_modules/.installed ## run the unit tests only (no servers, no tools: seconds)
	npx vitest run --project unit

test-integration: setup $(TEST_STEPS) ## run the integration tests only (servers, the CLI, dbt, tools)
	npx vitest run --project integration
