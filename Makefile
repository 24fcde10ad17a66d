# Two commands on a fresh machine: `make run` and `make test`. Both build .venv themselves.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
ARGS ?=
PYTEST_ARGS ?=

.PHONY: help install run test lint format bench coverage clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP) ## create or refresh .venv with the package and its test tools

run: $(STAMP) ## start both products with the seeded default workspace (ARGS="--workspace demo")
	$(VENV)/bin/chat-emulator serve $(ARGS)

test: $(STAMP) ## lint, then run the whole test suite
	$(VENV)/bin/ruff check emulator tests bench
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP) ## ruff lint and format check
	$(VENV)/bin/ruff check emulator tests bench
	$(VENV)/bin/ruff format --check emulator tests bench

format: $(STAMP) ## apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix emulator tests bench
	$(VENV)/bin/ruff format emulator tests bench

bench: $(STAMP) ## print store and start-up latency figures
	$(PY) bench/store.py

clean: ## remove the venv and local data
	rm -rf $(VENV) .chat-emulator .pytest_cache .ruff_cache
