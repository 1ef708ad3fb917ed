# The two commands a newcomer needs: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test test-fast dev clean-data bench compat

setup: $(STAMP) compat

# Idempotent: reinstalls only when the pins or the package metadata change.
$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

# DuckDB 1.5 apart (the CLI on PyPI, DBeaver and ODBC set-ups use it): the test that the analysts' file opens there.
DUCKDB_CLIENT := .venv-duckdb15
compat: $(DUCKDB_CLIENT)/.installed

$(DUCKDB_CLIENT)/.installed:
	$(PYTHON) -m venv $(DUCKDB_CLIENT)
	$(DUCKDB_CLIENT)/bin/python -m pip install --quiet --disable-pip-version-check duckdb==1.5.6
	touch $@

demo: setup
	$(BIN)/sei-stats demo

test: setup
	$(BIN)/python -m pytest -q

# The unit and warehouse tests without the slow ones (end-to-end runs through Dagster and the CLI).
test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow"

dev: setup
	$(BIN)/sei-stats dev

# The benchmark (benchmarks/README.md): `make bench SCALE=province`; tiny, city, province or national.
SCALE ?= city
bench: setup
	$(BIN)/sei-stats bench --scale $(SCALE)

# Removes generated data (raw demo files, landed months, warehouse, charts, Dagster runs).
clean-data:
	rm -rf data/raw/returns data/raw/roster data/raw/*.csv data/raw/SIMULATED.txt data/landed data/warehouse data/output data/dagster_home
