# actnet: `make run` starts everything locally; `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
HTMX   := static/vendor/htmx.min.js

.PHONY: run test soak setup bench clean

run: setup
	$(PY) -m runlocal

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

# The long runs: the sheet away for 10 minutes while signatures keep coming; runs killed ten times.
soak: setup
	ACTNET_OUTAGE_SECONDS=600 $(PY) -m pytest tests/test_outage.py -k outage -s $(PYTEST_ARGS)
	ACTNET_SOAK=1 $(PY) -m pytest tests/test_run_crash.py $(PYTEST_ARGS)

bench: setup
	$(PY) bench/sharing.py

setup: $(STAMP) $(HTMX)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "actnet needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(HTMX): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js $(HTMX)

clean:
	rm -rf $(VENV) node_modules static/vendor
