# A real S3-compatible server on loopback for the tests and `make run-s3`: versitygw (posix
# backend), built from the Go module proxy into .tools/bin. v1.8.0 or later: earlier versions let
# two concurrent conditional PUTs (If-None-Match: *) of one key both succeed.
VERSITYGW_VERSION := v1.8.0
TEST_STEPS += $(TOOLS)/bin/versitygw

# The stamp names the version, so changing the pin rebuilds the binary.
$(TOOLS)/bin/versitygw: $(TOOLS)/.versitygw-$(VERSITYGW_VERSION)
$(TOOLS)/.versitygw-$(VERSITYGW_VERSION):
	@echo "building versitygw $(VERSITYGW_VERSION) from the Go module proxy (a few minutes, once)"
	GOBIN=$(TOOLS)/bin go install -ldflags='-s -w' github.com/versity/versitygw/cmd/versitygw@$(VERSITYGW_VERSION)
	touch $@
