# make bench: our ingest against the seed baseline (bench/baselines/seed.ts) and dlt, on the sandbox API and a local S3
# server; prints one table and writes bench/results/. Shrink it with BENCH_PAGES=200, change the
# simulated latency with BENCH_LATENCY_MS=20, pass other flags in BENCH_ARGS (see bench/run.ts).
DLT_VENV := $(TOOLS)/dlt-venv
BENCH_FLAGS = $(if $(BENCH_PAGES),--pages $(BENCH_PAGES)) $(if $(BENCH_LATENCY_MS),--latency-ms $(BENCH_LATENCY_MS)) $(BENCH_ARGS)

.PHONY: bench
bench: setup $(TOOLS)/bin/versitygw $(DLT_VENV)/.installed bench/.work/baselines/seed.js ## benchmark ours against the seed baseline and dlt
	npx tsx bench/run.ts $(BENCH_FLAGS)

$(DLT_VENV)/.installed: bench/baselines/dlt-requirements.txt
	python3 -m venv $(DLT_VENV)
	$(DLT_VENV)/bin/pip install --disable-pip-version-check --no-input -q -r $<
	touch $@

bench/.work/baselines/seed.js: bench/baselines/seed.ts bench/tsconfig.json node_modules/.installed
	npx tsc -p bench/tsconfig.json

# make bench-catalogue: the whole games catalogue (900,000 sandbox games) behind the 10,000-result
# depth cap, at 50 ms a request: the backfill's requests against ceil(count/40), its wall time
# against the limit, peak RSS. Shrink it with BENCH_GAMES=100000.
.PHONY: bench-catalogue
bench-catalogue: setup ## benchmark a full games backfill in windows under the depth cap
	npx tsx bench/catalogue.ts $(if $(BENCH_GAMES),--games $(BENCH_GAMES)) $(if $(BENCH_LATENCY_MS),--latency-ms $(BENCH_LATENCY_MS))

# make bench-reconcile: what reconciling listings costs. 60,000 sandbox games behind a hidden cap of
# 8,000 (the config says 10,000): requests over pages, the cap learnt once. The same catalogue
# alive at about RAWG's edit rate (one edit every 100 pages answered, one deletion every 1,000,
# one addition every 500): requests over pages.
.PHONY: bench-reconcile
bench-reconcile: setup ## benchmark a backfill against a lower hidden cap, and against a living catalogue
	npx tsx bench/catalogue.ts --games 60000 --latency-ms 20 --hidden-cap 8000 --out catalogue-cap.json
	npx tsx bench/catalogue.ts --games 60000 --latency-ms 20 --edit-rate 0.01 --delete-rate 0.001 --add-rate 0.002 --out catalogue-living.json

# make bench-docs: the figures in docs/benchmarks.md, rewritten from bench/results/*.json.
.PHONY: bench-docs
bench-docs: node_modules/.installed ## rewrite the benchmark figures in docs/benchmarks.md from bench/results
	npx tsx bench/docs-table.ts

# make bench-companies: what a game's companies cost per 1 % of the added-weighted market, on the
# sandbox's 900,000 games: the planner's batches of details, the naive details in added order, and
# per-company listings (scored on games linked, all they prove). Shrink it with BENCH_GAMES=100000.
.PHONY: bench-companies
bench-companies: setup ## benchmark the cost of a game's companies per point of popularity-weighted coverage
	npx tsx bench/companies.ts $(if $(BENCH_GAMES),--games $(BENCH_GAMES))

# make bench-dbt-catalogue: the warehouse at RAWG's size. A lake of 900,000 sandbox games (a
# snapshot by gmp ingest, then 365 daily updated partitions written directly from the sandbox),
# compacted; then gmp transform full, one more day, and nothing new, each with wall time and dbt's
# peak RSS. Shrink it with BENCH_GAMES=50000 BENCH_DAYS=30; the lake is made once under bench/.work.
.PHONY: bench-dbt-catalogue
bench-dbt-catalogue: setup ## time gmp transform on a 900,000-game lake with a year of days: full, one more day, nothing new
	node --import tsx bench/dbt-catalogue.ts
