# telemon: `make run` to try it, `make test` to check it (`make` alone lists the targets).
# Everything runs from a virtualenv in .venv, installed with the pins of constraints.txt.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# `make run HOST=0.0.0.0 PORT=8000`
HOST ?= 127.0.0.1
PORT ?= 5000
# Passed through: `make test PYTEST_ARGS='-k alerts -x'`, `make bench BENCH_ARGS=...`
PYTEST_ARGS ?=
BENCH_ARGS ?=
# The suite runs in two processes (pytest-xdist): much of its time is waiting (worker processes,
# mail retries, throw-away servers starting, the crawler's browser/server/database round trips),
# which the other process fills. `make pytest PYTEST_WORKERS=0` runs it in one process.
PYTEST_WORKERS ?= 2

# What the tests talk to; override to point elsewhere. The database URL is an admin
# connection: the tests create (and drop) their own database through it.
export TELEMON_TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
export TELEMON_TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
export TELEMON_CHROMIUM ?= /usr/bin/chromium
# The benchmark's Redis database (flushed at its start and end), apart from the tests'.
export TELEMON_BENCH_REDIS_URL ?= redis://127.0.0.1:6379/14

# The pure domain modules (no Flask, no database): type-checked with mypy --strict.
# Only those that exist yet.
PURE_MODULES := $(wildcard \
	telemon/vocabulary.py telemon/copd/rules.py telemon/copd/schedule.py telemon/alerts/joining.py \
	telemon/alerts/timing.py \
	telemon/anticoagulation/nomogram.py telemon/anticoagulation/ttr.py \
	telemon/anticoagulation/inr_rules.py telemon/anticoagulation/nomogram_config.py \
	telemon/woundcare/push.py telemon/woundcare/trajectory.py telemon/woundcare/images.py \
	telemon/woundcare/working_hours.py telemon/anticoagulation/tablet_plan.py \
	telemon/anticoagulation/decision.py telemon/anticoagulation/instructions.py \
	telemon/ingest/codes.py telemon/patients/cpr.py telemon/notify/messages.py \
	telemon/administration/holiday_calendar.py \
	telemon/clinical_text/*.py \
	telemon/fhir/entries.py telemon/fhir/mapping.py telemon/fhir/kept_mapping.py telemon/fhir/intake_kept.py telemon/fhir/upload_state.py telemon/fhir/interpretation.py telemon/fhir/redaction.py \
	telemon/fhir/search.py telemon/web/safe_redirect.py \
	telemon/monitoring.py telemon/identity/passwords.py telemon/plausible_dates.py \
	telemon/identity/guessable_words.py \
	telemon/medcom/messaging.py telemon/medcom/hospitalnotification.py telemon/medcom/stay.py \
	telemon/medcom/acknowledgement.py \
	telemon/messages/thread.py telemon/medcom/carecommunication.py \
	telemon/questionnaires/definition.py telemon/questionnaires/branching.py \
	telemon/questionnaires/triage.py telemon/questionnaires/opentele.py telemon/questionnaires/fhir_form.py \
	telemon/questionnaires/copd_standard.py telemon/questionnaires/overview.py)

# Fails with a clear message unless $(PYTHON) is 3.11 or newer.
CHECK_PYTHON = @command -v $(PYTHON) >/dev/null \
	|| { echo "no $(PYTHON): telemon needs Python 3.11 or newer; run make with PYTHON=/path/to/python3.11" >&2; exit 1; }; \
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else \
	"telemon needs Python 3.11 or newer, but $(PYTHON) is " + sys.version.split()[0] + \
	"; run make with PYTHON=/path/to/python3.11")'

.PHONY: help install run services lint typecheck pytest test test-fast bench bench-smoke constraints translations clean

help: ## list the targets
	@echo "telemon: make TARGET"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

# ---- installing -----------------------------------------------------------------------------

# The stamp is newer than pyproject.toml and constraints.txt once they are installed: pip runs
# again only when one of them changes (or after `make clean`).
$(VENV)/.installed: pyproject.toml constraints.txt
	$(CHECK_PYTHON)
	@test -x $(BIN)/python || { echo "creating $(VENV)"; $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

# The compiled translation catalogs (.mo, not committed).
CATALOGS := $(wildcard telemon/translations/*/LC_MESSAGES/messages.po)

install: $(VENV)/.installed $(CATALOGS:.po=.mo) ## create .venv and install telemon with its pinned dependencies

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel --quiet compile -i $< -o $@

translations: install ## extract UI text into messages.pot and merge it into the Danish catalog (the .po is the source)
	$(BIN)/pybabel --quiet extract -F babel.cfg -k N_ -k _ --no-location --sort-output \
		--project=telemon -o telemon/translations/messages.pot .
	$(BIN)/pybabel --quiet update -i telemon/translations/messages.pot -d telemon/translations \
		--no-fuzzy-matching --ignore-obsolete --width=100
	$(BIN)/pybabel compile --statistics -d telemon/translations
	@echo "Now add the Danish for each new message (msgstr \"\") in telemon/translations/da/LC_MESSAGES/messages.po"

# Re-pin the whole tree: install pyproject.toml's pins (dependencies and the dev extra) into a
# throwaway venv, with nothing else constraining them, and freeze it.
CONSTRAINTS_VENV := /tmp/telemon-constraints
define CONSTRAINTS_HEADER
# The whole dependency tree, pinned. Regenerate with `make constraints` after changing
# pyproject.toml's pins (it installs the pins into a throwaway venv and freezes it).
endef
export CONSTRAINTS_HEADER

constraints: ## re-pin the whole dependency tree (constraints.txt) from pyproject.toml's pins
	$(CHECK_PYTHON)
	rm -rf $(CONSTRAINTS_VENV) && $(PYTHON) -m venv $(CONSTRAINTS_VENV)
	$(CONSTRAINTS_VENV)/bin/python -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
		print("\n".join(p["dependencies"] + p["optional-dependencies"]["dev"]))' > $(CONSTRAINTS_VENV)/pins.txt
	$(CONSTRAINTS_VENV)/bin/pip install --quiet --upgrade pip
	$(CONSTRAINTS_VENV)/bin/pip install --quiet -r $(CONSTRAINTS_VENV)/pins.txt
	{ echo "$$CONSTRAINTS_HEADER"; $(CONSTRAINTS_VENV)/bin/pip freeze --exclude-editable | grep -viE '^telemon([=@ ]|$$)'; } > constraints.txt.new
	mv constraints.txt.new constraints.txt
	rm -rf $(CONSTRAINTS_VENV)

# ---- running --------------------------------------------------------------------------------

run: install ## load the synthetic demo data (idempotent) and serve on http://127.0.0.1:5000/ (HOST=, PORT=)
	TELEMON_BASE_URL="$${TELEMON_BASE_URL:-http://$(HOST):$(PORT)}" $(BIN)/telemon demo
	$(BIN)/telemon serve --host $(HOST) --port $(PORT)

services: ## start (installing if missing) PostgreSQL, Redis and Chromium for the tests
	scripts/ensure-services.sh

# ---- checking -------------------------------------------------------------------------------

lint: install ## ruff: lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install ## mypy --strict on the pure domain modules
	$(BIN)/mypy --follow-imports=silent $(PURE_MODULES)

pytest: install services ## the test suite only (PYTEST_ARGS, PYTEST_WORKERS passed through)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

test: install services lint typecheck pytest bench-smoke ## everything CI runs: install, services, lint, typecheck, tests, bench smoke

# The edit loop: unit and API tests (through the test client, web pages included), without the
# browser, fuzzing, worker processes and fault tests (markers in pyproject.toml), in one
# process (this part keeps the CPU busy: a second process did not make it faster on 2 cores).
# `make test` before committing still runs everything.
test-fast: install services ## unit and API tests only, for the edit loop (PYTEST_ARGS passed through)
	$(BIN)/python -m pytest -m "not browser and not slow" $(PYTEST_ARGS)

bench: install services ## the benchmark harness, bench/run.py (BENCH_ARGS passed through)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Every phase of the benchmark on a tiny database, judged on answers, not figures: a schema or
# route change that breaks the benchmark fails CI instead of the next measurement.
bench-smoke: install services ## every benchmark phase briefly on a tiny database, no targets (~2-3 min)
	$(BIN)/python bench/run.py --smoke

# ---- tidying --------------------------------------------------------------------------------

clean: ## remove the virtualenv, local data (instance/) and caches
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache build *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
