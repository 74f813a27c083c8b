# Two commands for a fresh machine: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,pg,cluster]'
	touch $(STAMP)

## demo: install, ingest the bundled demo corpus into ./taizhang.db (SQLite), print its ledger
demo: $(STAMP)
	$(BIN)/taizhang ingest examples/corpus
	$(BIN)/taizhang sources
	$(BIN)/taizhang ledger
	@echo "Dashboard: $(BIN)/taizhang user add NAME --role editor   (to edit), then $(BIN)/taizhang serve   → http://127.0.0.1:8000/ledger"

## test: the whole test suite, on SQLite and on a throwaway PostgreSQL server when one is installed
test: $(STAMP)
	scripts/with-postgres.sh $(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) taizhang.db taizhang.db-wal taizhang.db-shm
