# Two commands set everything up on a fresh machine: `make demo` and `make test`.
# Everything installs from the lock file into .venv with uv (installed with pip when missing).

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3)
VENV := .venv
BIN := $(VENV)/bin
UV := $(PYTHON) -m uv
export UV_PYTHON_DOWNLOADS := never
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PORT ?= 8050

.PHONY: demo test install browser lint typecheck unit sample-data benchmark clean

demo: install  ## Serve the app on the bundled sample data at http://127.0.0.1:8050
	$(BIN)/orgfriction serve sample_data --port $(PORT)

test: install browser lint typecheck  ## Everything: unit, CLI, notebooks, real-browser tests
	$(BIN)/pytest -p no:cacheprovider -n 2 --nbmake --nbmake-timeout=300 -q tests orgfriction notebooks

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml uv.lock
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen --python "$(PYTHON)"
	@touch $@

browser:  ## Debian's chromium and chromedriver, for the real-browser tests
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi

lint: install
	$(BIN)/ruff check orgfriction app tests benchmarks scripts
	$(BIN)/ruff format --check orgfriction app tests benchmarks scripts

typecheck: install
	$(BIN)/mypy

unit: install  ## Fast tests only (no browser, no notebooks)
	$(BIN)/pytest -p no:dash -m "not browser" tests orgfriction -q

sample-data: install  ## Regenerate the committed sample company (tests check it matches)
	rm -rf .sample_tmp && $(BIN)/orgfriction sample --out .sample_tmp
	cp .sample_tmp/*.csv .sample_tmp/planted_truth.json sample_data/ && rm -rf .sample_tmp

benchmark: install
	$(BIN)/python benchmarks/bench_sample_and_load.py
	$(BIN)/python benchmarks/bench_analyze.py
	$(BIN)/python benchmarks/bench_optimize.py
	$(BIN)/python benchmarks/bench_import.py
	$(BIN)/python benchmarks/bench_app.py
	$(BIN)/python benchmarks/load_app.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
