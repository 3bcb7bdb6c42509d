# Two commands: `make run` and `make test`. Everything else is installed from this repository.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test check catalogs update-catalogs test-tools bench clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[server,test,dev]"
	touch $(INSTALLED)

# Compiled catalogs are build output (.gitignore): make them from the .po files every time.
catalogs: $(INSTALLED)
	$(BIN)/pybabel compile -D "messages idp" -d locales

# After changing visible strings: extract, then merge into the vi and en catalogs.
update-catalogs: $(INSTALLED)
	$(BIN)/pybabel extract -F locales/babel.cfg -k N_ -k t -k plural:1,2 -o locales/messages.pot --no-location --omit-header app api_client server
	$(BIN)/pybabel extract -F locales/babel.cfg -o locales/idp.pot --no-location --omit-header idp_mock
	$(BIN)/pybabel update -D messages -i locales/messages.pot -d locales --no-fuzzy-matching --no-wrap
	$(BIN)/pybabel update -D idp -i locales/idp.pot -d locales --no-fuzzy-matching --no-wrap

# What the tests drive from outside: Debian's Chromium (Playwright's own download cannot run offline),
# two signers we did not write, the xmlsec1 tool and the JDK's XML-DSig, and Debian's PostgreSQL server
# (only when no /usr/lib/postgresql/*/bin/initdb exists). The tests start their own PostgreSQL in a temporary
# directory on a free port (tests/postgres.py); the cluster Debian's package starts on 5432 goes unused.
test-tools:
	@command -v chromium >/dev/null 2>&1 && command -v xmlsec1 >/dev/null 2>&1 && command -v java >/dev/null 2>&1 && \
		ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
		{ $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
		chromium xmlsec1 default-jdk-headless $$(ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || echo postgresql); }

# Lint (ruff: rules in pyproject.toml) and type-check (mypy: api_client, server, idp_mock).
check: $(INSTALLED)
	$(BIN)/ruff check api_client server idp_mock app main.py bench tests
	$(BIN)/mypy

run: catalogs
	$(BIN)/python main.py

test: check catalogs test-tools
	$(BIN)/python -m pytest -q

bench: catalogs
	$(BIN)/python -m bench.book --people 100000

clean:
	rm -rf $(VENV) data test-artifacts
