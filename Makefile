# Renewal: `make run` serves the demo, `make test` runs every test. Both set up what they need.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# Django 6 needs Python 3.12 or newer: take the first one found on PATH or under pyenv.
PYTHON ?= $(shell for p in python3.13 python3.12 python3 \
	$$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 \
	/usr/local/bin/python3.13 /usr/local/bin/python3.12; do \
	  if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; \
	  then command -v $$p; break; fi; done)

.PHONY: run test venv deps test-deps system-deps vnu messages check-messages check-compose lint lint-imports typecheck bench clean

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Renewal needs Python 3.12 or newer and none was found."; \
	  echo "Install one, for example: apt-get install python3.12 python3.12-venv, or pyenv install 3.12"; \
	  exit 1; fi
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

venv: $(VENV)/.installed

system-deps:
	@missing=""; \
	command -v msgfmt >/dev/null 2>&1 || missing="$$missing gettext"; \
	if [ "$(NEED_BROWSER)" = 1 ] && [ ! -x /usr/bin/chromium ]; then missing="$$missing chromium"; fi; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing fonts-dejavu-core; \
	  else echo "Please install:$$missing (for example: sudo apt-get install$$missing)"; exit 1; fi; fi

# The Nu Html Checker the crawl test (tests/browser/test_crawl.py) runs over every page: vnu.jar
# from npm into .cache/vnu (ignored by git), run with the system Java.
VNU_VERSION := 26.9.27
VNU_JAR := .cache/vnu/node_modules/vnu-jar/build/dist/vnu.jar

vnu: $(VNU_JAR)
	@command -v java >/dev/null 2>&1 || { echo "The HTML check needs Java 11 or newer, and none was found."; \
	  echo "Install it, for example: sudo apt-get install default-jre-headless"; exit 1; }

$(VNU_JAR):
	@command -v npm >/dev/null 2>&1 || { echo "Installing the Nu Html Checker (vnu-jar) needs npm, and none was found."; \
	  echo "Install it, for example: sudo apt-get install npm"; exit 1; }
	npm install --prefix .cache/vnu --no-save --no-audit --no-fund --ignore-scripts vnu-jar@$(VNU_VERSION)
	@test -f $@ || { echo "npm did not install $@"; exit 1; }

messages: venv system-deps
	DEBUG=true $(PY) manage.py compilemessages --ignore=.venv -v0

run: venv messages
	DEBUG=true $(PY) manage.py migrate --noinput -v0
	DEBUG=true $(PY) manage.py seed_demo
	@echo "Renewal runs at http://$(HOST):$(PORT)/ (users leader, member, viewer, officer, outsider, admin; password demo)"
	DEBUG=true $(PY) manage.py runserver $(HOST):$(PORT)

# Every test, in TEST_WORKERS processes (pytest-xdist; each has its own test database and Redis
# database). TEST_WORKERS=0 runs them in this one process.
TEST_WORKERS ?= 2
test: NEED_BROWSER = 1
test: venv system-deps vnu messages
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# The apps import downwards only and no app has an import cycle: the contracts in pyproject.toml.
lint-imports: venv
	$(VENV)/bin/lint-imports --no-cache

# mypy with django-stubs on the rule modules: the files and options under [tool.mypy].
typecheck: venv
	$(PY) -m mypy

# docker-compose.yml against the Compose specification (the schema ships with check-jsonschema).
check-compose: venv
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

check-messages: venv system-deps
	$(PY) scripts/check_messages.py

bench: venv
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
	find . -name '*.mo' -not -path './.venv/*' -delete
