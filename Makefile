# Two commands for a fresh machine: `make validate` and `make test`.
# Both create .venv on first use and install the pinned versions from requirements.lock.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: validate test docs build chart bench bench-smoke clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'
	touch $(STAMP)

validate: $(STAMP)
	$(BIN)/python -m validate .

test: $(STAMP)
	$(BIN)/python -m pytest

docs: $(STAMP)
	$(BIN)/python -m validate.docs --write

clean:
	rm -rf $(VENV) dist .pytest_cache .hypothesis

# ---- release outputs (dist/, chart) ----
build: $(STAMP)
	$(BIN)/python -m publish build

chart: $(STAMP)
	$(BIN)/python -m publish chart
