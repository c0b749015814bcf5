# Two commands: `make run` (system with demo data on embedded SQLite) and `make test`.
PYTHON ?= python3.12
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= 2
THREADS ?= 4

.PHONY: run test bench install install-test worker lint clean-db

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# The demo serves plain HTTP on the loopback (AFTERSALES_HTTPS=0: no Secure cookies); gthread
# workers with threads, so one slow request (a password hash, a big export) stalls no one else.
run: install
	$(BIN)/aftersales migrate --noinput
	$(BIN)/aftersales demo load --if-empty
	$(BIN)/aftersales demo logins
	@echo "Aftersales: http://$(HOST):$(PORT)/"
	AFTERSALES_HTTPS=$${AFTERSALES_HTTPS:-0} $(BIN)/gunicorn aftersales.wsgi --bind $(HOST):$(PORT) \
		--workers $(WORKERS) --worker-class gthread --threads $(THREADS) --timeout 60 \
		--access-logfile - --error-logfile -

worker: install
	$(BIN)/aftersales worker

# In parallel: TEST_WORKERS processes, each with its own test database (and live server for the
# browser tests); a test file runs on one worker (conftest.py groups them, the demo company's
# files in one group), so module-wide setup is built once. Python may keep its bytecode here
# even where the environment says not to: collecting 160 test files from source costs each
# worker seconds. TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto
test: install-test
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup \
		--no-loadscope-reorder $(PYTEST_ARGS)

bench: install-test
	$(BIN)/python -m bench $(BENCH_ARGS)

lint: install-test
	$(BIN)/python -m ruff check aftersales bench
