# Two commands: `make run` (the demo on SQLite, nothing else installed) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.8
PORT ?= 8000
DEMO_ENV := DEBUG=true

.PHONY: run test lint install install-dev messages compilemessages clean bench bench-peer

$(VENV)/.installed-run: pyproject.toml uv.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	test -x $(UV) || $(PY) -m pip install --quiet "uv==$(UV_VERSION)"
	$(UV) sync --frozen --no-default-groups --inexact --python $(PY) --quiet
	touch $@

$(VENV)/.installed-dev: pyproject.toml uv.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	test -x $(UV) || $(PY) -m pip install --quiet "uv==$(UV_VERSION)"
	$(UV) sync --frozen --group dev --inexact --python $(PY) --quiet
	touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run
install-dev: $(VENV)/.installed-dev

var/.seeded: $(VENV)/.installed-run $(wildcard */migrations/*.py)
	mkdir -p var
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py seed_demo
	touch $@

run: var/.seeded
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: $(VENV)/.installed-dev
	mkdir -p var
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=true $(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	$(PY) scripts/check_translations.py

test: lint
	$(PY) -m pytest $(PYTEST_ARGS)

# Load benchmark (not part of `make test`): see bench/README.md. BENCH_PRODUCTS=2000,100000
# runs both sizes; `make bench-peer` also runs the django-oscar peer and records the ratios.
BENCH_PRODUCTS ?= 2000
BENCH_ARGS ?=

bench: $(VENV)/.installed-dev
	command -v wrk >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk)
	$(PY) bench/pages.py --products $(BENCH_PRODUCTS) $(BENCH_ARGS)

bench-peer:
	$(MAKE) bench BENCH_ARGS="$(BENCH_ARGS) --peer"

# Translators: extract strings, then fill locale/*/LC_MESSAGES/django.po and compile.
messages: $(VENV)/.installed-dev
	DEBUG=true $(PY) manage.py makemessages -l vi -l en --no-obsolete --no-location -i ".venv/*" -i "bench/*"
	DEBUG=true $(PY) manage.py makemessages -d djangojs -l vi -l en --no-obsolete --no-location -i ".venv/*" -i "staticfiles/*" -i "bench/*"

compilemessages: $(VENV)/.installed-dev
	$(PY) scripts/check_translations.py --compile

clean:
	rm -rf var media staticfiles .pytest_cache .mypy_cache .ruff_cache
