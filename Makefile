# Two set-up commands on a fresh machine: `make demo` and `make test`. Both create .venv if missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DAGSTER_HOME ?= $(CURDIR)/dagster_home

.PHONY: install demo test ui benchmark e2e
E2E_STAMP := $(VENV)/.installed-e2e

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test,live,deploy]"
	touch $(STAMP)

install: $(STAMP)

# Materialize every table over every date in NBA_RAW_DIR, then print the summary.
demo: $(STAMP)
	mkdir -p "$(DAGSTER_HOME)"
	test -f "$(DAGSTER_HOME)/dagster.yaml" || cp dagster_home/dagster.yaml "$(DAGSTER_HOME)/dagster.yaml"
	$(BIN)/nba-backfill

# Style first (ruff: pyproject.toml), then every test.
test: $(STAMP)
	$(BIN)/ruff format --check --quiet .
	$(BIN)/ruff check --quiet .
	$(BIN)/python -m pytest -q

# The Dagster UI on http://127.0.0.1:3000 with the project's own instance.
ui: $(STAMP)
	DAGSTER_HOME=$(CURDIR)/dagster_home $(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

benchmark: $(STAMP)
	$(BIN)/python benchmarks/backfill_benchmark.py

$(E2E_STAMP): $(STAMP)
	$(BIN)/pip install -q -e ".[e2e]"
	touch $(E2E_STAMP)

# Browser end-to-end test: dagster dev on 4 dates, a backfill launched from the UI in headless
# Chromium, per-date checks verified. Needs chromium + chromedriver. Screenshots: artifacts/e2e/
e2e: $(E2E_STAMP)
	scripts/e2e.sh
