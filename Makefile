# Each target sets itself up: a fresh machine needs only python3 and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

demo: $(STAMP)
	$(PY) -m workflow.demo.run

# On every core (pytest-xdist); each worker has its own PostgreSQL schema and SQLite files.
test: $(STAMP) lint
	$(PY) -m pytest -n auto

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check --quiet .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# Full-size benchmarks, on demand (not part of `make test`). BENCH_PG adds PostgreSQL runs.
BENCH_PG ?= postgresql://postgres@127.0.0.1:5432/test
bench: $(STAMP)
	$(PY) bench/bench_startup.py
	$(PY) bench/bench_transitions.py
	$(PY) bench/bench_sweep.py --pg $(BENCH_PG)
	$(PY) bench/bench_audit.py
	$(PY) bench/bench_report.py
	$(PY) bench/bench_web.py --pg $(BENCH_PG)
	$(PY) bench/bench_api.py --pg $(BENCH_PG)
	$(PY) bench/bench_repeats.py

clean:
	rm -rf $(VENV) build *.egg-info demo-out
