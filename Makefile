# Troopwatch developer commands. `make run` and `make test` are all a fresh machine needs
# (Python 3.11+ and Node.js); see README.md.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CHROMIUM ?= /usr/bin/chromium
EVAL_DIR ?= ../shared/eval

.PHONY: install run test lint typecheck pytest test-functional eval eval-heldout bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

static/vendor/.built: node_modules/.installed static/vendor.mjs
	npm run --silent vendor
	touch $@

install: $(VENV)/.installed static/vendor/.built

# Browser tests drive Debian's Chromium; install it when it is missing.
$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "Install Chromium at $(CHROMIUM) to run the browser tests"; exit 1; }
	$(SUDO) apt-get install -y --no-install-recommends chromium || \
	  { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends chromium; }

run: install
	$(BIN)/troopwatch migrate
	$(BIN)/troopwatch load-gazetteer
	$(BIN)/troopwatch load-demo --if-empty
	$(BIN)/troopwatch serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: install $(CHROMIUM)
	$(BIN)/pytest

test: lint typecheck pytest

# The functional suite alone, e.g. against another server with TEST_DATABASE_URL set.
test-functional: install
	$(BIN)/pytest -m functional

eval: install
	mkdir -p var
	$(BIN)/troopwatch extract $(EVAL_DIR)/dev/*.json --format jsonl > var/eval-predictions.jsonl
	$(PYTHON) $(EVAL_DIR)/score.py $(EVAL_DIR)/dev var/eval-predictions.jsonl

# A second, smaller set annotated by the project itself, written in other styles than the dev set.
eval-heldout: install
	mkdir -p var
	$(BIN)/troopwatch extract bench/heldout/*.json --format jsonl > var/heldout-predictions.jsonl
	$(PYTHON) $(EVAL_DIR)/score.py bench/heldout var/heldout-predictions.jsonl

bench: install
	$(BIN)/python bench/extraction.py

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache .mypy_cache .ruff_cache
