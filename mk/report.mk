# The market report's browser test: headless Chromium from Debian, driven by playwright-core
# (an npm dev dependency that downloads no browser). Installed once; skipped when present.
# `make bench-report` times `gmp report` on the 100,000-game warehouse `make bench-dbt` builds.
TEST_STEPS += /usr/bin/chromium

/usr/bin/chromium:
	$(APT_GET) update && $(APT_GET) install -y chromium fonts-dejavu-core

.PHONY: bench-report
bench-report: setup ## time gmp report on the 100,000-game benchmark warehouse (builds it first if missing)
	node --import tsx test/report/bench-report.ts
