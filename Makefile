# khar-analysis: `make report` builds everything, `make test` runs the whole suite.
# Each creates the environment first if needed (venv + pip; conda users see environment.yml).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.khar-installed
KERNEL := khar-analysis
export PYTHONHASHSEED := 0

.PHONY: all env data report test notebooks bench lint clean

all: report

env: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (khar-analysis)" >/dev/null
	@touch $(STAMP)

## data: verify every raw file against its sha256 pin (copy from the mirror or download when missing)
data: env
	$(BIN)/khar fetch

## report: verify data, run every notebook through papermill, render reports/index.html and reports/ledger.csv
report: env
	$(BIN)/khar build

## test: lint, unit tests, nbval on the committed executed notebooks
test: env
	$(BIN)/khar fetch --quiet
	$(BIN)/ruff check src tests
	$(BIN)/pytest -n 2 --dist loadfile

## notebooks: re-execute the committed notebooks in place (after a deliberate change), normalised for committing
notebooks: env
	$(BIN)/khar notebooks

lint: env
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

clean:
	rm -rf build reports/index.html reports/ledger.csv reports/notebooks reports/figures
