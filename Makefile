# The two commands: `make run` (the application with demo data and the scheduler)
# and `make test` (the whole suite on SQLite and on a private PostgreSQL server).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test deps-run deps-test venv venv-test translations bench clean

run: deps-run venv translations
	./scripts/run.sh

test: deps-test venv-test translations
	./scripts/test.sh

deps-run:
	./scripts/system-deps.sh run

deps-test:
	./scripts/system-deps.sh test

venv:
	./scripts/venv.sh

venv-test:
	./scripts/venv.sh test

translations:
	$(VENV)/bin/pybabel compile -f -d ltc/translations 2>&1 | grep -v "^compiling" || true

bench: venv
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
