# make book   build the site into _build/html (executes changed notebooks only)
# make test   unit tests + nbval over chapters/ + strict book build + link check + browser tests
# make serve  serve _build/html on http://127.0.0.1:8000
# make strip  clear the outputs of every notebook in chapters/
# make clean  remove the build, the execution cache and the vendored JS
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# One command for `make book` and the test session, so `make test` after `make book`
# finds everything in the cache and executes nothing.
BUILD := $(BIN)/jupyter-book build -W -n --keep-going .

.PHONY: book test serve strip clean venv vendor browser

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $@

vendor: _vendor/.stamp
_vendor/.stamp: scripts/js/package.json scripts/js/package-lock.json scripts/vendor_js.sh
	scripts/vendor_js.sh

# Debian's chromium for the browser tests (never `playwright install`).
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	  else sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; fi; }

book: venv vendor
	$(BUILD)

test: venv vendor browser
	$(BIN)/pytest --nbval-lax -p no:cacheprovider tests chapters

serve:
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

strip: venv
	$(BIN)/python scripts/strip_outputs.py

clean:
	rm -rf _build _vendor scripts/js/node_modules
