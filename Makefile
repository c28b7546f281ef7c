# make book   build the site into _build/html (executes changed notebooks only)
# make test   unit tests + nbval over chapters/ + strict book build + link check + browser tests
# make serve  serve _build/html on http://127.0.0.1:8000
# make strip  clear the outputs of every notebook in chapters/ (nbstripout) and set the
#             kernel metadata JupyterLab expects (scripts/notebook_metadata.py)
# make lint   ruff: lint and format check (part of make test)
# make clean  remove the build, the execution cache and the vendored JS
# A change under lib/ invalidates the execution cache (see fresh-cache).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
# What Binder builds: requirements.txt plus JupyterLab (requirements-lab.txt), nothing else.
LAB_VENV := .venv-lab
BIN := $(VENV)/bin
PORT ?= 8000
# The networks here are small: one BLAS thread is faster than several fighting over two
# cores (multi-threaded OpenBLAS made widget redraws 10x slower under load).
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1
# A notebook executed by the build or nbval has no reader: its explorers keep no images
# and draw none ahead (nnlab.explorer.Refresher). The JupyterLab test turns it back on.
export NNLAB_LIVE_CACHE := 0
# One command for `make book` and the test session, so `make test` after `make book`
# finds everything in the cache and executes nothing.
BUILD := $(BIN)/jupyter-book build -W -n --keep-going .

.PHONY: book test lint serve strip clean venv lab-venv vendor browser fresh-cache

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $@

# The JupyterLab tests (tests/book/test_jupyterlab.py) and `bench.py --lab` run this one.
lab-venv: $(LAB_VENV)/.installed
$(LAB_VENV)/.installed: requirements.txt requirements-lab.txt pyproject.toml
	test -x $(LAB_VENV)/bin/python || $(PYTHON) -m venv $(LAB_VENV)
	$(LAB_VENV)/bin/python -m pip install -q --upgrade pip
	$(LAB_VENV)/bin/python -m pip install -q -r requirements-lab.txt
	touch $@

vendor: _vendor/.stamp
_vendor/.stamp: scripts/js/package.json scripts/js/package-lock.json scripts/vendor_js.sh
	scripts/vendor_js.sh

# Debian's chromium for the browser tests (never `playwright install`).
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	  else sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; fi; }

# jupyter-cache keys a notebook on its own code only: after a change to the library the
# cached outputs (figures, quoted numbers) would be stale. Then drop the cache and the
# doctrees so every notebook runs again against the new library.
fresh-cache:
	@mkdir -p _build
	@if [ ! -f _build/.lib-stamp ] || [ -n "$$(find lib pyproject.toml -name '*.py' -newer _build/.lib-stamp -o -name pyproject.toml -newer _build/.lib-stamp | head -1)" ]; then \
	  echo "library changed since the last build: re-executing every notebook"; \
	  rm -rf _build/.jupyter_cache _build/.doctrees _build/jupyter_execute; touch _build/.lib-stamp; fi

book: venv vendor fresh-cache
	$(BUILD)

test: venv lab-venv vendor browser fresh-cache lint
	$(BIN)/pytest --nbval-lax -p no:cacheprovider -n 2 --dist loadfile tests chapters

serve:
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

strip: venv
	$(BIN)/nbstripout --keep-id chapters/*.ipynb chapters/*/*.ipynb
	$(BIN)/python scripts/notebook_metadata.py

lint: venv
	$(BIN)/ruff check lib tests benchmarks scripts
	$(BIN)/ruff format --check lib tests benchmarks scripts

clean:
	rm -rf _build _vendor scripts/js/node_modules
