# Two commands for a fresh machine: `make validate` and `make test`.
# Both create .venv on first use and install the pinned versions from requirements.lock.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: validate test lint docs build chart bench bench-smoke clean verdicts refresh datasette

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'
	# An editable install leaves the project's own modules uncompiled (pip compiles only what it
	# copies): compiled once here, a run need not compile them again where PYTHONDONTWRITEBYTECODE
	# keeps Python from caching them (about 0.03 s of every run).
	$(BIN)/python -m compileall -q validate publish contribute
	touch $(STAMP)

validate: $(STAMP)
	$(BIN)/python -m validate .

# Every test, spread over every core (pytest-xdist); `make test PYTEST_JOBS=0` runs them in one process.
PYTEST_JOBS ?= auto
test: lint
	$(BIN)/python -m pytest -n $(PYTEST_JOBS) --durations=15

# Lint and types are part of the test command: a style or type error fails CI.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict validate publish contribute benchmarks

docs: $(STAMP)
	$(BIN)/python -m validate.docs --write
	$(BIN)/python -m publish.flat --write .

# Everything derived from the data, after any change to it (a new source, a new row): the
# README's table counts, data dictionary and other generated sections, and the chart.
refresh: docs chart

clean:
	rm -rf $(VENV) dist .pytest_cache .hypothesis

# ---- release outputs (dist/, chart) ----
build: $(STAMP)
	$(BIN)/python -m publish build

chart: $(STAMP)
	$(BIN)/python -m publish chart

# Serve the release database with its column descriptions (datasette is a test dependency).
datasette: build
	$(BIN)/datasette dist/*.sqlite -m dist/metadata.json

# ---- citation check (.venv-cff) ----
# cffconvert 2.0.0 pins jsonschema<4 and frictionless needs jsonschema>=4, so cffconvert
# gets its own environment, pinned by requirements-cff.lock. tests/test_citation.py runs
# .venv-cff/bin/cffconvert, so `make test` builds this environment before pytest runs.
CFF_VENV := .venv-cff
CFF_STAMP := $(CFF_VENV)/.installed

# The '*' .gitignore inside keeps the environment out of git status.
$(CFF_STAMP): requirements-cff.lock
	$(PYTHON) -m venv $(CFF_VENV)
	$(CFF_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-cff.lock
	echo '*' > $(CFF_VENV)/.gitignore
	touch $(CFF_STAMP)

# An extra prerequisite line: make merges it into the existing test target.
test: $(CFF_STAMP)

# ---- benchmark (benchmarks/) ----
# bench times our validator against frictionless on the real package and on generated
# packages of 10,000 to 1,000,000 outcome rows, and ours alone at 10,000,000 (about a quarter
# of an hour in all), and rewrites the README section; bench-smoke runs the same command at a
# tiny size to check that it works.
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run --sizes 10000,100000,1000000,10000000 --ours-only 10000000 --repeat 3 --same-claim 20000 --out docs/benchmark-section.md

bench-smoke: $(STAMP)
	$(BIN)/python -m benchmarks.run --sizes 1000,10000 --ours-only 10000 --repeat 1

# ---- third-party parity fixtures (tests/fixtures/third_party/) ----
# Prints frictionless's verdict on each fixture, computed offline, in the form kept in
# tests/third_party_verdicts.py; paste it there when a fixture or frictionless changes.
verdicts: $(STAMP)
	$(BIN)/python tests/third_party_verdicts.py

# ---- fuzz harness (tests/fuzz_harness.py) ----
# The long budget: 469 one-defect copies of the package over every mutation class, each run
# through validate, publish build or contribute as a subprocess (about half an hour on two cores).
# The test command runs a short fixed budget of the classes in SHORT_BUDGET.
.PHONY: fuzz
fuzz: $(STAMP)
	$(BIN)/python tests/fuzz_harness.py --cases 470 --seed 1 --jobs 2

# ---- mutation testing (tests/mutation/) ----
# How many small wrong changes to the semantic core (qualifier readings, number words, dates,
# the scanner, the consistency arithmetic) the tests catch: each module's score and survivors,
# in a few minutes. Not part of `make test`; it needs nothing beyond the test extra.
.PHONY: mutation
mutation: $(STAMP)
	$(BIN)/python tests/mutation/run.py
