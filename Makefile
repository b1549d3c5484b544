# khar-analysis: `make report` builds everything, `make test` runs the whole suite.
# Each creates the environment first if needed: uv installs exactly requirements.lock (every package pinned,
# with hashes) into .venv, then the project itself (editable). Conda users see environment.yml.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.khar-installed
KERNEL := khar-analysis
LOCK := requirements.lock
# uv, pinned; `make` installs it from the package index into build/tools/ when it is missing.
# UV=/path/to/uv uses another copy (any recent uv reads the same lock).
UV_VERSION := 0.13.9
UV_HOME := build/tools/uv-$(UV_VERSION)
UV ?= $(UV_HOME)/bin/uv
# uv never downloads a Python of its own: the environment uses $(PYTHON) (3.11, see pyproject.toml).
export UV_PYTHON_DOWNLOADS := never
export PYTHONHASHSEED := 0

.PHONY: all env lock uv data-check data report claim test test-fast browser notebooks bench lint clean

all: report

env: $(STAMP)

## the environment: exactly the lock (uv pip sync removes anything else), the project editable, the kernel
$(STAMP): $(LOCK) pyproject.toml
	@$(MAKE) --no-print-directory uv
	@test -x $(BIN)/python || $(UV) venv --python $(PYTHON) $(VENV)
	$(UV) pip sync --python $(BIN)/python --require-hashes $(LOCK)
	$(UV) pip install --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (khar-analysis)" >/dev/null
	@touch $(STAMP)

## data-check: before the environment exists (system python3 only): without a mirror folder, print one headline
## and one line per missing file (its URL or `khar manifest --show ID`) and stop, instead of installing first
data-check:
	@$(PYTHON) src/khar_analysis/provenance/precheck.py

## uv: install the pinned uv from the package index when no working uv is at $(UV)
uv:
	@$(UV) --version >/dev/null 2>&1 || { \
		echo "installing uv $(UV_VERSION) from the package index into $(UV_HOME)"; \
		$(PYTHON) -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --target $(UV_HOME) uv==$(UV_VERSION); }

## lock: re-resolve requirements.lock from pyproject.toml (Python 3.11, Linux, sha256 of every file);
## versions already locked are kept unless pyproject needs others; `make lock LOCK_ARGS=--upgrade` moves all
lock: uv
	$(UV) pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 --python-platform linux \
		--custom-compile-command "make lock" --quiet $(LOCK_ARGS) -o $(LOCK)

## data: verify every raw file against its sha256 pin (copy from the mirror or download when missing)
data: data-check env
	$(BIN)/khar fetch

## report: verify data, run every notebook through papermill, render reports/index.html, reports/ledger.csv, a
## certificate per claim (reports/claims/ID.html) and reports/report.pdf (printed by headless Chromium when found)
report: data-check env
	$(BIN)/khar build

## claim: replay one claim alone (make claim ID=ARMS-1): verify its notebook's inputs, run that notebook, and write
## its certificate reports/claims/ID.html and ID.pdf (the PDF needs a browser: make browser)
claim: data-check env
	@test -n "$(ID)" || { echo "usage: make claim ID=<claim id>, e.g. make claim ID=ARMS-1"; exit 2; }
	$(BIN)/khar claim $(ID)

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
	rm -rf build reports/index.html reports/ledger.csv reports/notebooks reports/figures reports/claims reports/report.pdf
