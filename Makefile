# `make build`: set up everything that is missing, then build this repository's diagrams.
# `make test`: set up, then lint and run the test suite and `diagrams check` on this repo.
# `make check-install`: build the wheel in a clean clone and try it as a user would.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PAGE   := src/diagram_assets/render/page/manifest.json
STAMP  := $(VENV)/.installed

.PHONY: build setup system python page bytecode test test-fast lint check check-install watch bench clean

build: setup
	$(BIN)/diagrams build

setup: system python page bytecode

system:
	@scripts/ensure-system-packages

python: $(STAMP)
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

# Compile the package's bytecode now: with PYTHONDONTWRITEBYTECODE set (as on some CI machines)
# every `diagrams check` would otherwise recompile the package (~0.2 s of a 0.3 s budget).
bytecode: python
	@$(BIN)/python -m compileall -q src/diagram_assets

page: $(PAGE)
js/node_modules/.package-lock.json: js/package.json js/package-lock.json
	cd js && npm ci --no-audit --no-fund
$(PAGE): js/node_modules/.package-lock.json js/build.mjs $(wildcard js/src/*)
	cd js && node build.mjs

lint: python
	$(BIN)/ruff check src tests bench build_backend
	$(BIN)/ruff format --check src tests bench build_backend

test: setup lint
	$(BIN)/pytest
	$(BIN)/diagrams check

test-fast: python
	$(BIN)/pytest -m "not slow and not browser"

check: python
	$(BIN)/diagrams check

# The wheel from a clean clone, installed in a fresh venv, run on a temporary repository (CI runs it).
check-install: system
	scripts/check-install

watch: setup
	$(BIN)/diagrams watch

bench: setup
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) js/node_modules src/diagram_assets/render/page .pytest_cache .ruff_cache
