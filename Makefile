# Newsmap: `make run` to serve the map, `make test` to run the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Tests run with debug off, as production does; the key is for tests only.
TEST_ENV := DJANGO_SECRET_KEY=test-only-not-secret DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1,testserver

.PHONY: run setup test screenshots browser lint bench bench-quick clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

setup: $(VENV)/.installed
	mkdir -p var
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_gazetteer
	DJANGO_DEBUG=1 $(BIN)/python manage.py import_articles articles/data/reports

run: setup
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Use a system Chromium when there is one; otherwise try Playwright's own download.
browser: $(VENV)/.installed-dev
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null \
	  || [ -n "$$NEWSMAP_CHROMIUM" ] \
	  || timeout 300 $(BIN)/python -m playwright install chromium \
	  || echo "No Chromium: install your system's chromium package or set NEWSMAP_CHROMIUM."

test: $(VENV)/.installed-dev browser
	mkdir -p var
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

# Refresh the README's pictures in docs/: the browser tests save them only when asked to.
screenshots: $(VENV)/.installed-dev browser
	mkdir -p var
	$(TEST_ENV) NEWSMAP_SCREENSHOTS=docs $(BIN)/python -m pytest tests/browser $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/python -m ruff check .

bench: $(VENV)/.installed-dev
	$(TEST_ENV) $(BIN)/python -m benchmarks

bench-quick: $(VENV)/.installed-dev
	$(TEST_ENV) $(BIN)/python -m benchmarks --quick

clean:
	rm -rf $(VENV) var/test.sqlite3 var/static
