# QMS — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
# The embedded default (SQLite, eager Celery, console email) needs no environment; DEBUG for the dev server.
RUN_ENV ?= DEBUG=true
# The port of the development server (`make run PORT=8080`, or PORT in the environment); SITE_URL follows it.
PORT ?= 8000

.PHONY: run install install-dev messages compilemessages migrate seed test lint worker beat bench loadtest clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PIP) install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

compilemessages: install
	@command -v msgfmt >/dev/null || { echo "GNU gettext is missing: apt-get install gettext"; exit 1; }
	$(MANAGE) compilemessages --ignore=$(VENV) -v 0

migrate: install
	$(MANAGE) migrate --no-input -v 1

seed: migrate
	$(MANAGE) load_reference_data
	$(MANAGE) seed_demo

run: install compilemessages seed
	$(RUN_ENV) PORT=$(PORT) $(MANAGE) runserver 127.0.0.1:$(PORT)

test: install-dev compilemessages
	$(PY) -m pytest

lint: install-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# Refresh the .po catalogues: one for the project (qms/, templates/) and one in each domain app's locale/.
# One run from the top: makemessages files each string in the nearest locale/ directory, so the app directories
# are created first. (Not from inside an app directory: Celery's Django fixup puts the working directory first
# on sys.path, where an app module such as statistics.py would shadow the standard library.)
# Tests are left out (their strings are not shown to users); so are vendored files.
DOMAIN_APPS := processes actionplans complaints surveys certifications
MAKEMESSAGES_IGNORE := --ignore=tests --ignore=vendor --ignore=staticfiles --ignore=media --ignore=node_modules
messages: install
	@command -v msgfmt >/dev/null || { echo "GNU gettext is missing: apt-get install gettext"; exit 1; }
	mkdir -p locale $(addsuffix /locale,$(DOMAIN_APPS))
	$(MANAGE) makemessages -l fr -l en --no-obsolete $(MAKEMESSAGES_IGNORE)
	$(MANAGE) makemessages -d djangojs -l fr -l en --no-obsolete $(MAKEMESSAGES_IGNORE)

# A real broker: set REDIS_URL (and DATABASE_URL) first.
worker: install
	$(VENV)/bin/celery -A qms worker -Q urgent,default,bulk --loglevel INFO

beat: install
	$(VENV)/bin/celery -A qms beat --loglevel INFO

bench: install-dev compilemessages
	$(PY) -m benchmarks

# The load benchmark (not in CI): drops and creates LOADTEST_DATABASE_URL, empties the two Redis databases, starts
# gunicorn and runs wrk (apt-get install wrk). Figures go to docs/benchmarks.md; see its "Load test" section.
LOADTEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/qms_loadtest
LOADTEST_REDIS_URL ?= redis://127.0.0.1:6379/14
LOADTEST_CACHE_URL ?= redis://127.0.0.1:6379/15
LOADTEST_ARGS ?=
loadtest: install compilemessages
	@command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 1; }
	$(PY) -m benchmarks.load --database-url $(LOADTEST_DATABASE_URL) --redis-url $(LOADTEST_REDIS_URL) \
		--cache-url $(LOADTEST_CACHE_URL) $(LOADTEST_ARGS)

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
