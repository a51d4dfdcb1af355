# A real S3-compatible server on loopback for the tests and `make run-s3`: versitygw (posix
# backend), built from the Go module proxy into .tools/bin.
VERSITYGW_VERSION := v1.7.0
TEST_STEPS += $(TOOLS)/bin/versitygw

$(TOOLS)/bin/versitygw:
	@echo "building versitygw $(VERSITYGW_VERSION) from the Go module proxy (a few minutes, once)"
	GOBIN=$(TOOLS)/bin go install github.com/versity/versitygw/cmd/versitygw@$(VERSITYGW_VERSION)
