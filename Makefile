# IBP-Kompas. Start with `make run` (serve the demo) or `make test` (the whole suite).
SHELL := /bin/sh
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed

# Local development defaults; production sets these in its own environment.
export DEBUG ?= true
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup locale run test lint format bench messages constraints clean

$(STAMP): pyproject.toml constraints.txt
	@python=$$(scripts/find-python) || exit 1; \
	if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$python"; "$$python" -m venv $(VENV) || exit 1; fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

## locale: compile the translations in locale/
locale: $(STAMP)
	@command -v msgfmt >/dev/null || { echo "msgfmt not found: install GNU gettext (apt-get install gettext)"; exit 1; }
	$(MANAGE) compilemessages --ignore=.venv -v0

## setup: environment, dependencies, translations, database, shipped framework and demo data
setup: locale
	$(MANAGE) migrate --no-input -v0
	$(MANAGE) seed_demo

## run: setup, then serve on http://127.0.0.1:8000 with the background-task worker beside it
# The worker stops with the server: Ctrl-C reaches both (the worker finishes its current task),
# and the EXIT trap ends the worker when the server stops for any other reason.
# The reminder job is queued once at start; production runs it daily from cron.
run: setup
	$(MANAGE) send_plan_reminders --enqueue
	@echo "IBP-Kompas runs at http://127.0.0.1:8000/ (stop with Ctrl-C)"
	@$(MANAGE) db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	trap 'wait $$worker; exit 130' INT; trap 'exit 143' TERM; \
	$(MANAGE) runserver 127.0.0.1:8000

## test: the whole suite (browser tests included when Chromium is installed)
test: locale
	$(BIN)/pytest $(PYTEST_ARGS)

## lint: ruff, formatting, mypy and the migration check
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(MANAGE) makemigrations --check --dry-run

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: the benchmarks in bench/ on SQLite and PostgreSQL, results in var/bench/
bench: setup
	@status=0; $(PY) -m bench sqlite || status=1; $(PY) -m bench postgresql || status=1; exit $$status

## messages: refresh locale/nl after changing translatable text
messages: $(STAMP)
	$(MANAGE) makemessages -l nl --ignore=.venv --ignore=var --no-obsolete

## constraints: record the versions of everything installed, after changing dependencies
constraints: $(STAMP)
	@{ sed -n '1,3p' constraints.txt; $(PY) -m pip freeze --exclude-editable | grep -v '^-e'; } > constraints.new
	@mv constraints.new constraints.txt

clean:
	rm -rf $(VENV) var
