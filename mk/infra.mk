# Offline checks of the Terraform in infra/: OpenTofu (built from the Go module proxy) applies the
# provider-less state-machine module; checkov scans everything. Both land in .tools, once.
TOFU_VERSION := v1.12.6
# OpenTofu's go.mod replaces hcl/v2 with its fork; `go install` refuses modules with replace
# directives, so a wrapper module repeats the line and builds the command from there.
TOFU_HCL_REPLACE := github.com/hashicorp/hcl/v2 v2.20.1 => github.com/opentofu/hcl/v2 v2.20.2-0.20251021132045-587d123c2828
CHECKOV_VERSION := 3.3.30
CHECKOV_VENV := $(TOOLS)/checkov-venv

TEST_STEPS += $(TOOLS)/bin/tofu $(CHECKOV_VENV)/bin/checkov

$(TOOLS)/bin/tofu:
	@echo "building OpenTofu $(TOFU_VERSION) from the Go module proxy (several minutes on 2 cores, once)"
	rm -rf $(TOOLS)/tofu-build && mkdir -p $(TOOLS)/tofu-build $(TOOLS)/bin
	printf 'module tofu-build\n\ngo 1.26\n\nrequire github.com/opentofu/opentofu $(TOFU_VERSION)\n\nreplace $(TOFU_HCL_REPLACE)\n' \
	  > $(TOOLS)/tofu-build/go.mod
	cd $(TOOLS)/tofu-build && go mod download github.com/opentofu/opentofu \
	  && go get github.com/opentofu/opentofu/cmd/tofu@$(TOFU_VERSION) \
	  && CGO_ENABLED=0 go build -trimpath -ldflags '-s -w -X github.com/opentofu/opentofu/version.dev=no' \
	       -o $@.tmp github.com/opentofu/opentofu/cmd/tofu
	mv $@.tmp $@

$(CHECKOV_VENV)/bin/checkov:
	@echo "installing checkov $(CHECKOV_VERSION) into its own venv (once)"
	rm -rf $(CHECKOV_VENV)
	python3 -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --disable-pip-version-check 'checkov==$(CHECKOV_VERSION)'
	test -x $@ && touch $@
