# The two commands a newcomer needs: `make demo` and `make test`. Both set up .venv first.
# Another interpreter (3.11 to 3.13): `make test PYTHON=/path/to/python3.13 VENV=.venv-313`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

# uv from PATH; without one, a pinned uv in a small venv of its own (no root, no user site, idempotent).
UV_BOOTSTRAP := .venv-uv/bin/uv
# (`uv --version` first: a pyenv shim is on PATH even where the current Python has no uv)
UV ?= $(or $(shell uv --version >/dev/null 2>&1 && command -v uv),$(UV_BOOTSTRAP))
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: setup demo test test-fast dev clean-data bench compat

# uv.lock pins every package for every platform; --locked fails when pyproject.toml changed without `uv lock`.
# A no-op when .venv is already in sync; a .venv of another Python than $(PYTHON) is made anew.
setup: $(UV) compat
	$(UV) sync --locked --python $(PYTHON)

$(UV_BOOTSTRAP):
	$(PYTHON) -m venv .venv-uv
	.venv-uv/bin/python -m pip install --quiet --disable-pip-version-check uv==0.13.9

# DuckDB 1.5 apart (the CLI on PyPI, DBeaver and ODBC set-ups use it): the test that the analysts' file opens there.
DUCKDB_CLIENT := .venv-duckdb15
compat: $(DUCKDB_CLIENT)/.installed

$(DUCKDB_CLIENT)/.installed: | $(UV)
	$(UV) venv --quiet --allow-existing --python $(PYTHON) $(DUCKDB_CLIENT)
	$(UV) pip install --quiet --python $(DUCKDB_CLIENT)/bin/python duckdb==1.5.6
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
