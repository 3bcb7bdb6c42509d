# Two commands: `make run` and `make test`. Everything else is installed from this repository.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test catalogs update-catalogs test-tools bench clean

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
# and two signers we did not write, the xmlsec1 tool and the JDK's XML-DSig.
test-tools:
	@command -v chromium >/dev/null 2>&1 && command -v xmlsec1 >/dev/null 2>&1 && command -v java >/dev/null 2>&1 || \
		{ $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
		chromium xmlsec1 default-jdk-headless; }

run: catalogs
	$(BIN)/python main.py

test: catalogs test-tools
	$(BIN)/python -m pytest -q

bench: catalogs
	$(BIN)/python -m bench.book --people 100000

clean:
	rm -rf $(VENV) data test-artifacts
