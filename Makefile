# telemon: `make run` to try it, `make test` to check it. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

# What the tests talk to (override to point elsewhere).
export TELEMON_TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
export TELEMON_TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
export TELEMON_CHROMIUM ?= /usr/bin/chromium

# The pure domain modules: strictly typed.
PURE_MODULES := $(wildcard telemon/alerts/rules.py telemon/alerts/schedule.py \
	telemon/anticoagulation/nomogram.py telemon/anticoagulation/ttr.py telemon/anticoagulation/inr_rules.py telemon/anticoagulation/nomogram_config.py \
	telemon/woundcare/push.py telemon/woundcare/trajectory.py telemon/woundcare/images.py \
	telemon/woundcare/working_hours.py \
	telemon/ingest/codes.py telemon/patients/cpr.py telemon/notify/messages.py)

.PHONY: help install run test services lint typecheck pytest bench constraints clean translations

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "telemon needs Python 3.11 or newer; found " + sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

CATALOGS := $(wildcard telemon/translations/*/LC_MESSAGES/messages.po)

install: $(VENV)/.installed $(CATALOGS:.po=.mo) ## create .venv and install telemon with its pinned dependencies

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel --quiet compile -i $< -o $@

translations: install ## extract UI text, merge it into the Danish catalog, fill in scripts/translations_da.py
	$(BIN)/pybabel --quiet extract -F babel.cfg -k N_ -k _ --no-location --sort-output -o telemon/translations/messages.pot .
	$(BIN)/pybabel --quiet update -i telemon/translations/messages.pot -d telemon/translations --no-fuzzy-matching
	$(BIN)/python scripts/translations_da.py telemon/translations/da/LC_MESSAGES/messages.po
	$(MAKE) install

run: install ## load the synthetic demo data and serve on http://$(HOST):$(PORT)/
	$(BIN)/telemon demo
	$(BIN)/telemon serve --host $(HOST) --port $(PORT)

services: ## start (or install) PostgreSQL, Redis and Chromium for the tests
	scripts/ensure-services.sh

lint: install ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install ## mypy --strict on the pure domain modules
	$(BIN)/mypy --follow-imports=silent $(PURE_MODULES)

pytest: install services ## run the test suite only
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test: install services lint typecheck pytest ## everything CI runs

bench: install services ## the benchmark harness (prints figures)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

constraints: ## re-pin the whole dependency tree from pyproject.toml's pins
	rm -rf /tmp/telemon-constraints && $(PYTHON) -m venv /tmp/telemon-constraints
	/tmp/telemon-constraints/bin/pip install --quiet -e '.[dev]'
	{ sed -n '1,2p' constraints.txt; /tmp/telemon-constraints/bin/pip freeze --exclude-editable; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean: ## remove the virtualenv, local data and caches
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache *.egg-info
