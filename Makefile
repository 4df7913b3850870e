# Two commands: `make run` (console bot, no tokens) and `make test` (lint, types, contracts, suite).
# Also: `make test-fast` (without slow tests), `make lock` (refresh uv.lock), `make lint` (fix).
#
# Setup needs nothing but python3: a pinned uv goes into its own small venv (.tools, so that
# `uv sync` never removes the tool it is running from), then uv installs exactly the versions in
# uv.lock into .venv. The stamp makes later runs skip that step until pyproject.toml or uv.lock
# changes.
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
UV_STAMP := $(TOOLS)/.uv-$(UV_VERSION)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Use the machine's python3; never download an interpreter.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Extra pytest arguments, e.g. `make test ARGS="-x tests/bot"`.
ARGS ?=
# Two workers (the machines have two cores), each taking whole test files, so module fixtures
# (the wheel build, the privacy walkthrough) run once. Measured on 2 cores: 52-55 s against
# 84 s serial; worksteal the same, load and -n 3 slower.
PARALLEL := -n 2 --dist loadfile

# The dashboard's browser test drives Debian's Chromium through its ChromeDriver (no browser
# download at test time); `make test` installs both when missing (as root, or with sudo).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# The storage tests also run on PostgreSQL: Debian's server, which the tests start themselves on
# 127.0.0.1 (tests/postgres.py); `make test` installs it when missing.
.PHONY: run test test-fast check lint lock bench clean browser postgres

$(UV_STAMP):
	rm -rf $(TOOLS)
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	touch $(UV_STAMP)

$(STAMP): pyproject.toml uv.lock $(UV_STAMP)
	$(UV) sync --locked --extra dev --python $(PYTHON)
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot console

check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot cogs adapters bench tests
	$(BIN)/lint-imports

browser:
	@test -x /usr/bin/chromium -a -x /usr/bin/chromedriver || { \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	    chromium chromium-driver; }

postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	    postgresql; }

# STUDYBOT_BROWSER_TESTS=required: the browser test fails, rather than skips, without Chromium;
# STUDYBOT_POSTGRES_TESTS=required: the same for PostgreSQL. The second run puts the app's own
# tests on PostgreSQL too (STUDYBOT_TEST_DATABASE), so every query is tried on both backends.
test: check browser postgres
	STUDYBOT_BROWSER_TESTS=required STUDYBOT_POSTGRES_TESTS=required \
	  $(BIN)/python -m pytest $(PARALLEL) $(ARGS)
	STUDYBOT_TEST_DATABASE=postgresql STUDYBOT_POSTGRES_TESTS=required \
	  $(BIN)/python -m pytest $(PARALLEL) tests/bot tests/cogs tests/adapters tests/test_isolation.py \
	  --ignore=tests/bot/storage $(ARGS)

test-fast: check
	$(BIN)/python -m pytest $(PARALLEL) -m "not slow" $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

lock: $(UV_STAMP)
	$(UV) lock --python $(PYTHON)

bench: $(STAMP)
	$(BIN)/python -m bench.checkins
	$(BIN)/python -m bench.matching
	$(BIN)/python -m bench.digest
	$(BIN)/python -m bench.dashboard
	$(BIN)/python -m bench.load
	$(BIN)/python -m bench.outbox
	$(BIN)/python -m bench.member_costs
	$(BIN)/python -m bench.timezones

clean:
	rm -rf $(VENV) $(TOOLS) .mypy_cache .pytest_cache .ruff_cache build dist
