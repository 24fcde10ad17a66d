# Two commands on a fresh machine: `make run` and `make test`. Both build .venv themselves.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.run-stamp
TEST_STAMP := $(VENV)/.test-stamp
ARGS ?=
PYTEST_ARGS ?=
SPECS ?= ../shared/specs

.PHONY: help install bytecode run test lint format bench coverage browser node-deps screenshots clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# `make run` needs only the package and what it runs on; the test tools come with `make test`.
$(RUN_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $(RUN_STAMP)

$(TEST_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(RUN_STAMP) $(TEST_STAMP)

# An editable install writes no bytecode, and many environments set PYTHONDONTWRITEBYTECODE:
# compiling up front saves ~0.15 s of every start (only changed files are compiled again).
bytecode: | $(PY)
	@$(PY) -m compileall -q emulator

install: $(TEST_STAMP) bytecode ## create or refresh .venv with the package and its test tools

run: $(RUN_STAMP) bytecode ## start both products with the seeded default workspace (ARGS="--workspace demo")
	$(VENV)/bin/chat-emulator serve --history-anchor now $(ARGS)

test: $(TEST_STAMP) bytecode ## lint, then run the whole test suite (installs chromium first when it can)
	-@$(MAKE) --no-print-directory browser
	-@$(MAKE) --no-print-directory node-deps
	$(VENV)/bin/ruff check emulator tests bench
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(TEST_STAMP) ## ruff lint and format check
	$(VENV)/bin/ruff check emulator tests bench
	$(VENV)/bin/ruff format --check emulator tests bench

format: $(TEST_STAMP) ## apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix emulator tests bench
	$(VENV)/bin/ruff format emulator tests bench

bench: $(TEST_STAMP) bytecode ## print store, start-up, socket-capacity, credential, bounded-input, call-out and live-view latency figures
	$(PY) bench/store.py
	$(PY) bench/startup.py
	$(PY) bench/sockets.py
	$(PY) bench/credentials.py
	$(PY) bench/bounded_input.py
	$(PY) bench/callouts.py
	$(PY) bench/rocketchat_outgoing.py
	$(PY) bench/live_view.py

# The emoji font draws reactions and icons in the screenshots (a desktop browser has its own).
browser: ## install Debian's chromium for the dashboard tests (needs root; skipped tests otherwise)
	@command -v chromium >/dev/null && [ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] \
		|| (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-color-emoji)

node-deps: ## install the JavaScript clients of tests/test_node_clients.py (needs npm; skipped tests otherwise)
	@command -v npm >/dev/null || { echo "npm not found: the node client tests will be skipped"; exit 0; }; \
	[ tests/node/node_modules/.package-lock.json -nt tests/node/package-lock.json ] \
		|| npm ci --prefix tests/node --no-audit --no-fund

screenshots: $(TEST_STAMP) browser ## redraw the dashboard pictures in docs/
	$(PY) scripts/screenshots.py

coverage: $(TEST_STAMP) ## regenerate docs/coverage-*.md and emulator/*/operations.tsv from ../shared/specs
	$(PY) -m emulator.tools.coverage --specs $(SPECS)

clean: ## remove the venv and local data
	rm -rf $(VENV) .chat-emulator .pytest_cache .ruff_cache
