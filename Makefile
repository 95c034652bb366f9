# iamlab: `make lab` opens the lab, `make test` runs every test.
# Both create .venv on first use and reinstall only when pyproject.toml or
# constraints.txt change.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8888
LAB_ARGS ?=
# JupyterLab refuses to run as root unless told (containers, CI machines)
AS_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab labs test unit notebooks lint format bench diagrams clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	@touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --port=$(PORT) $(AS_ROOT) $(LAB_ARGS) labs/00_start_here.ipynb

test: lint unit notebooks

lint: $(STAMP)
	$(BIN)/ruff check iamlab tests benchmarks tools
	$(BIN)/ruff format --check iamlab tests benchmarks tools

unit: $(STAMP)
	$(BIN)/python -m pytest -q

notebooks: $(STAMP)
	$(BIN)/python -m tools.notebooks check
	$(BIN)/python -m pytest -q --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg labs/

format: $(STAMP)
	$(BIN)/ruff check --fix iamlab tests benchmarks tools
	$(BIN)/ruff format iamlab tests benchmarks tools

labs: $(STAMP)
	$(BIN)/python -m tools.notebooks build

bench: $(STAMP)
	$(BIN)/python -m benchmarks

diagrams: $(STAMP)
	$(BIN)/iamlab diagrams --out diagrams/

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
