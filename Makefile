# khar-analysis: `make report` builds everything, `make test` runs the whole suite.
# Each creates the environment first if needed (venv + pip; conda users see environment.yml).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.khar-installed
KERNEL := khar-analysis
export PYTHONHASHSEED := 0

.PHONY: all env data-check data report test test-fast browser notebooks bench lint clean

all: report

env: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (khar-analysis)" >/dev/null
	@touch $(STAMP)

## data-check: before the environment exists (system python3 only): without a mirror folder, print one headline
## and one line per missing file (its URL or `khar manifest --show ID`) and stop, instead of installing first
data-check:
	@$(PYTHON) src/khar_analysis/provenance/precheck.py

## data: verify every raw file against its sha256 pin (copy from the mirror or download when missing)
data: data-check env
	$(BIN)/khar fetch

## report: verify data, run every notebook through papermill, render reports/index.html and reports/ledger.csv
report: data-check env
	$(BIN)/khar build

## test: lint, the import contract, every test (unit, integration, whole builds, browser) and nbval
test: env browser
	$(BIN)/khar fetch --quiet
	$(BIN)/ruff check src tests
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest -n 2 --dist loadfile

## test-fast: the unit lane only, with no data mirror (tiny inline tables and strings; seconds)
test-fast: env
	KHAR_DATA_MIRROR=$(CURDIR)/build/no-mirror $(BIN)/pytest tests -q \
		-m "not integration and not slow and not network"

## browser: Debian's chromium + chromium-driver for the report's browser test (root only; else say how)
browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's chromium and chromium-driver for the browser test"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	else echo "no browser: install Debian's chromium and chromium-driver (the browser test skips without them)"; fi

## notebooks: re-execute the committed notebooks in place (after a deliberate change), normalised for committing
notebooks: env
	$(BIN)/khar notebooks

## bench: naive vs floor vs full vs no-op build, in one run; writes reports/bench.json
bench: env
	$(BIN)/khar bench --tests

lint: env
	$(BIN)/ruff check src tests
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf build reports/index.html reports/ledger.csv reports/notebooks reports/figures
