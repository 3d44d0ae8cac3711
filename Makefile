# Two commands do all the set-up on a fresh machine with Python 3.11+:
#   make run    starts the app on the built-in synthetic network (PORT=8502 make run for another port)
#   make test   runs the tests (installs Chromium for the browser tests; about 13 minutes)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

CHROMIUM := /usr/bin/chromium
PORT ?= 8501

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The browser tests drive Debian's Chromium (Playwright cannot download browsers here).
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "The browser tests need Debian's chromium: sudo apt-get install chromium" >&2; exit 1; \
	fi

run: $(STAMP)
	@echo ""
	@echo "  STU-praktikmatch starter. Åbn http://localhost:$(PORT) i din browser."
	@echo "  Stop appen med Ctrl+C."
	@echo ""
	$(BIN)/python -m app_streamlit.serve --server.headless true --server.port $(PORT)

test: $(STAMP) $(CHROMIUM)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Regenerates docs/benchmarks.md (every instance, every method; the 45,000 x 20,000 one takes a while).
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
