# Everything douse needs is installed by this file into .venv: `make demo`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: demo test lint bench schema clean

# pytest-xdist workers for `make test`: two per core, because the tests spend about half their
# time waiting (local servers, child processes, PostgreSQL, the desk's idle checks) and a second
# worker per core fills it (on 2 cores: 2 workers 202 s, 4 workers 171 s, same load).
TEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print(2 * (os.cpu_count() or 1))')

# Python's bytecode caches (__pycache__, ignored by git) are written even where the environment's
# PYTHONDONTWRITEBYTECODE forbids them: the install below compiles nothing up front (pip would
# compile all ~6,000 modules of the dependencies, 12-17 s of a fresh install, most never
# imported: scipy's and numpy's tests, mypy's pure-Python twins of its compiled modules); what
# douse and the tests import is compiled once, when first imported, and cached for every later
# process (`make test` starts about a hundred).
export PYTHONDONTWRITEBYTECODE :=

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "douse needs Python >= 3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-compile --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-compile -e '.[test,postgres]'
	rm -f $(VENV)/.installed-*
	touch $@

# Builds the demo agency in a throwaway database and opens the desk on it.
demo: $(STAMP)
	$(BIN)/douse demo --db "$${DOUSE_DEMO_DB:-$$HOME/.local/share/douse/demo.db}" --force

# mypy runs beside the tests, its report printed after theirs: run before them (on a fresh clone,
# 16 s cold) it kept one core of two busy while the other had only the collection pass below to
# do. That pass compiles and caches what the tests import (and pytest's rewritten tests), so
# the workers start from the caches instead of each compiling the same modules (collecting:
# 5.4 -> 3.5 s of CPU a worker). The target fails if either the tests or mypy do.
test: $(STAMP)
	$(BIN)/ruff check .
	@$(BIN)/mypy >$(VENV)/mypy.out 2>&1 & m=$$!; \
	$(BIN)/pytest -q --collect-only -p no:cacheprovider >/dev/null 2>&1; \
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadgroup; p=$$?; \
	wait $$m; s=$$?; echo "mypy:"; cat $(VENV)/mypy.out; \
	if [ $$p -ne 0 ]; then exit $$p; fi; exit $$s

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Figures go to docs/benchmarks.md; each benchmark prints its own numbers. Those reading the
# shared labelled data print one "skipped" line without it. The lot takes about an hour.
BENCHES := ingest_bench export_bench desk_bench cli_bench bench_ingest_normalize vader_equal \
	sentiment_eval sentiment_real learning_curve policy_eval judgement_eval triage_import_bench \
	import_contention undo_bench send_bench

bench: $(STAMP)
	@for b in $(BENCHES); do \
		echo "== bench.$$b"; $(BIN)/python -m bench.$$b || exit 1; done

# Regenerate the (unreleased) initial migration after changing core/db/models.py.
schema: $(STAMP)
	$(BIN)/python -m douse.core.db.regen

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
