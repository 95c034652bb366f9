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

.PHONY: lab labs test unit notebooks lint format bench diagrams clean binder binder-check
.PHONY: site site-test
.PHONY: browser

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[lab,test]'
	@touch $(STAMP)

lab: $(STAMP)
	$(BIN)/python -m tools.lab_setup
	$(BIN)/jupyter lab --port=$(PORT) $(AS_ROOT) $(LAB_ARGS) labs/00_start_here.ipynb

test: lint unit browser notebooks binder-check

lint: $(STAMP)
	$(BIN)/ruff check iamlab tests benchmarks tools
	$(BIN)/ruff format --check iamlab tests benchmarks tools
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(BIN)/mypy --strict --follow-imports=silent -p iamlab.policy

unit: $(STAMP)
	$(BIN)/python -m pytest -q -m "not browser"

# JupyterLab in headless Chromium (tests/browser): stored diagrams render before any cell
# runs, and each panel redraws the changed arrow on screen. Needs /usr/bin/chromium.
browser: $(STAMP)
	$(BIN)/python -m pytest -q -p no:randomly -m browser tests/browser

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

# Binder installs binder/requirements.txt (the pinned run-time closure), then runs
# binder/postBuild.  `make binder` regenerates the list; `make binder-check` builds
# that environment the way repo2docker does (cached by the binder files' hash) and
# runs the notebooks under nbval inside it.
BINDER_HASH = $(shell cat binder/requirements.txt binder/runtime.txt | sha256sum | cut -c1-12)
BINDER_ENV  = build/binder-$(BINDER_HASH)

binder: $(STAMP)
	$(BIN)/python -m tools.binder write

binder-check: $(STAMP)
	$(BIN)/python -m tools.binder check
	@test -f $(BINDER_ENV)/.installed || { \
		rm -rf $(BINDER_ENV) && $(PYTHON) -m venv $(BINDER_ENV) && \
		$(BINDER_ENV)/bin/python -m pip install --quiet --disable-pip-version-check \
			-r binder/requirements.txt && \
		$(BINDER_ENV)/bin/python -m pip install --quiet --disable-pip-version-check \
			-c constraints.txt pytest nbval && \
		touch $(BINDER_ENV)/.installed; }
	PATH="$(CURDIR)/$(BINDER_ENV)/bin:$$PATH" bash binder/postBuild
	$(BINDER_ENV)/bin/python -m pytest -q --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg labs/

# The lab as a static JupyterLite site (docs/site.md): `make site` builds _site/ in its
# own environment (.venv-site), downloads cached by content hash under build/site-cache;
# `make site-test` runs notebook 08 in it in Chromium, offline.
SITE_VENV  := .venv-site
SITE_STAMP := $(SITE_VENV)/.installed

$(SITE_STAMP): site/requirements-site.txt
	@test -x $(SITE_VENV)/bin/python || $(PYTHON) -m venv $(SITE_VENV)
	$(SITE_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
		-r site/requirements-site.txt
	@touch $(SITE_STAMP)

site: $(SITE_STAMP)
	$(SITE_VENV)/bin/python -m tools.site build

site-test: site $(STAMP)
	IAMLAB_SITE_TEST=require $(BIN)/python -m pytest -q -p no:randomly tests/site

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
