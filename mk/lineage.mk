# The OpenLineage Python client, for the lineage tests only: they check every event against the
# models it generates from the specification. Its own venv, pinned; installed once.
OPENLINEAGE_VENV := $(TOOLS)/openlineage-venv

TEST_STEPS += $(OPENLINEAGE_VENV)/.installed

$(OPENLINEAGE_VENV)/.installed: test/lineage/requirements.txt
	rm -rf $(OPENLINEAGE_VENV)
	python3 -m venv $(OPENLINEAGE_VENV)
	$(OPENLINEAGE_VENV)/bin/pip install --quiet --disable-pip-version-check --no-input -r $<
	touch $@
