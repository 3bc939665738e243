# Two commands do all the set-up:  `make demo` runs the portal, `make test` runs the tests.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
DEMO_ENV := PORTAL_ENV=development PORTAL_DEMO=1

.PHONY: demo test lint audit install translations

$(BIN)/flask: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/flask

# The portal on http://127.0.0.1:5000 with SQLite (instance/) and the demo council.
demo: install
	$(DEMO_ENV) $(BIN)/flask --app portal db upgrade
	$(DEMO_ENV) $(BIN)/flask --app portal demo seed
	@# The e-mail worker runs beside the portal; without SMTP it writes instance/outbox/*.eml.
	$(DEMO_ENV) $(BIN)/flask --app portal notifications send --loop --interval 5 & \
		trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
		$(DEMO_ENV) $(BIN)/flask --app portal run --host 127.0.0.1 --port 5000

# Node packages for the test identity provider and axe-core, when node is there;
# without them those tests skip (or fail, with PORTAL_REQUIRE_ALL=1).
tests/node/node_modules/.installed: tests/node/package.json tests/node/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/node --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: OpenID provider and accessibility tests will be skipped"; fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# bandit over the portal's code; every skipped check is justified in SECURITY.md.
# pip-audit first proves it reaches advisory data: an old release with published advisories
# (tests/audit/known_vulnerable.txt) must be reported. Where none is reachable it says so
# instead of passing on an empty report (SECURITY.md).
audit: install
	$(BIN)/bandit -q -c pyproject.toml -r portal
	@if $(BIN)/pip-audit --disable-pip --no-deps --progress-spinner off \
			-r tests/audit/known_vulnerable.txt 2>/dev/null | grep -Eq 'PYSEC-|GHSA-'; then \
		$(BIN)/pip-audit --local --skip-editable --strict --progress-spinner off; \
	else \
		echo "pip-audit: no advisory data reachable from this machine: dependencies NOT audited"; \
	fi

test: install tests/node/node_modules/.installed lint audit
	$(BIN)/pytest

# Extract the UI strings, merge them into each catalog (or start the English one) and compile
# the .mo files, which are committed so that `pip install` needs no compile step.
TRANSLATIONS := portal/translations

translations: install
	mkdir -p $(TRANSLATIONS)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		-o $(TRANSLATIONS)/messages.pot .
	@if [ -f $(TRANSLATIONS)/en/LC_MESSAGES/messages.po ]; then \
		$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching; \
	else \
		$(BIN)/pybabel init -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l en; \
	fi
	$(BIN)/pybabel compile -d $(TRANSLATIONS)
