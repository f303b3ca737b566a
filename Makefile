# SEND Portal: `make run` to try it, `make test` to check it. Both set up everything they need.
PYTHON ?= python3.12
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# The local server: debug on, SQLite by default, plain http on 127.0.0.1.
RUN_ENV := DEBUG=True SECURE_SSL_REDIRECT=False
# Tests run with production-like settings (DEBUG off), over http, with plain static storage.
TEST_ENV := SECRET_KEY=test-only-secret-key-$$(printf '%040d' 0) DEBUG=False SECURE_SSL_REDIRECT=False \
	STATICFILES_BACKEND=django.contrib.staticfiles.storage.StaticFilesStorage ALLOWED_HOSTS=localhost,127.0.0.1,testserver
PYTEST_ARGS ?=
# Two test processes (pytest-xdist): the machines have two cores; TEST_PROCESSES=0 runs in this process.
TEST_PROCESSES ?= 2

.PHONY: help install lock run serve test test-fast browser lint format deploy-check bench-install clean

help:
	@echo "make run           set up, load the demo plan and serve on http://127.0.0.1:8000"
	@echo "make test          set up and run the whole test suite (unit, permissions, browser)"
	@echo "make lint          ruff check and format check"
	@echo "make deploy-check  manage.py check --deploy with production-style settings"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# uv installs the locked set in seconds (pip takes about 35 s per new venv here), compiled to bytecode once:
# where Python writes no .pyc files itself (PYTHONDONTWRITEBYTECODE), every command would compile
# Django, matplotlib and WeasyPrint again, and a second `make run` took 28 s.
$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install -q --disable-pip-version-check uv
	$(BIN)/uv pip install -q --compile-bytecode -p $(BIN)/python -r requirements.lock
	$(BIN)/python scripts/nltk_cmudict.py
	touch $@

install: $(VENV)/.installed

# After changing dependencies in pyproject.toml: `make lock`, then commit both lock files.
lock: | $(BIN)/python
	$(BIN)/python -m pip install -q --disable-pip-version-check uv
	$(BIN)/uv pip compile -q pyproject.toml --extra dev --python-version 3.12 -o requirements.lock
	$(BIN)/uv pip compile -q pyproject.toml --extra dev --extra bench --python-version 3.12 -o requirements-bench.lock

run: install
	$(RUN_ENV) $(MANAGE) migrate --noinput --skip-checks
	$(RUN_ENV) $(MANAGE) load_plan --demo-users
	$(RUN_ENV) $(MANAGE) run_with_worker 127.0.0.1:8000

serve: install
	$(RUN_ENV) $(MANAGE) run_with_worker 127.0.0.1:8000

# Browser tests drive Debian's Chromium; install it when missing (as root, as on CI).
# What the tests need from Debian: Chromium for the browser tests (it brings HarfBuzz's subsetter, which
# WeasyPrint asks for), redis-server for the shared-cache test. Installed when missing, as root (as on CI).
SYSTEM_PACKAGES := chromium redis-server
browser:
	@missing=""; for p in $(SYSTEM_PACKAGES); do command -v $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing$$missing for the tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else echo "Missing:$$missing (sudo apt-get install$$missing): the tests that need them are skipped"; fi; fi

test: install browser
	$(TEST_ENV) $(BIN)/pytest -n $(TEST_PROCESSES) $(PYTEST_ARGS)

test-fast: install browser
	$(TEST_ENV) $(BIN)/pytest -n $(TEST_PROCESSES) -m "not e2e" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Production settings pass the deploy check; only HSTS preload is left to the deployer (security.W021).
deploy-check: install
	DEBUG=False SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
		ALLOWED_HOSTS=portal.example.org SMTP_HOST=smtp.example.org SECURE_HSTS_PRELOAD=True \
		$(MANAGE) check --deploy --fail-level WARNING

# Load and benchmark tools (locust) on top of the test set.
bench-install: install
	$(BIN)/uv pip install -q -p $(BIN)/python -r requirements-bench.lock

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-wal db.sqlite3-shm
