# Two commands for a fresh machine: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-slow bench clean

$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,pg,cluster]'
	touch $(STAMP)

## demo: install, ingest the bundled demo corpus into ./taizhang.db (SQLite), print its ledger and
## 海拉尔区's 2017 targets judged by what its 2018 report says was reached
demo: $(STAMP)
	$(BIN)/taizhang ingest examples/corpus
	$(BIN)/taizhang sources
	$(BIN)/taizhang ledger --limit 30
	$(BIN)/taizhang ledger --actor 海拉尔区 --year 2017
	$(BIN)/taizhang scorecard 海拉尔区 --year 2017
	@echo "Dashboard: $(BIN)/taizhang user add NAME --role editor   (to edit), then $(BIN)/taizhang serve   → http://127.0.0.1:8000/ledger"

## test: the whole test suite, on SQLite and on a throwaway PostgreSQL server when one is installed
test: $(STAMP)
	scripts/with-postgres.sh $(BIN)/python -m pytest -q

## test-slow: the long checks (SIGKILLs, concurrent writers, deep fuzzing, atheris): a few minutes
test-slow: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[fuzz]'
	scripts/with-postgres.sh $(BIN)/python -m pytest -q -m slow

clean:
	rm -rf $(VENV) taizhang.db taizhang.db-wal taizhang.db-shm
