# Checks of the Dagger module and the GitHub workflows that need no engine. The module is
# type-checked and unit-tested by vitest; the workflows are linted by actionlint, which runs
# shellcheck on every `run:` script.
ACTIONLINT_VERSION := v1.7.12
TEST_STEPS += $(TOOLS)/bin/actionlint $(TOOLS)/bin/shellcheck

$(TOOLS)/bin/actionlint:
	@echo "building actionlint $(ACTIONLINT_VERSION) from the Go module proxy (once)"
	GOBIN=$(TOOLS)/bin go install github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION)

# shellcheck comes from Debian. The link in .tools/bin is what the tests call: actionlint quietly
# skips the shell checks when it cannot find shellcheck, so they name it explicitly.
$(TOOLS)/bin/shellcheck:
	rm -f $@ && mkdir -p $(@D)
	if ! command -v shellcheck >/dev/null; then \
	  $(APT_GET) install -y shellcheck || { $(APT_GET) update && $(APT_GET) install -y shellcheck; }; \
	fi
	ln -s "$$(command -v shellcheck)" $@
