# Every target installs what it needs first, so a fresh Debian machine needs nothing else.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: install system demo test check bench clean

system:
	@bash scripts/install-system.sh

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@touch $(STAMP)

install: system $(STAMP)
	@# bytecode for the editable package (pip compiles only what it copies; some shells set PYTHONDONTWRITEBYTECODE)
	@$(PY) -m compileall -q salesdocs

demo: install
	@bash scripts/demo.sh

test: install
	$(PY) -m pytest -q

check: install
	$(VENV)/bin/salesdocs check

bench: install
	$(PY) benchmarks/run.py
	$(PY) benchmarks/records_bench.py

clean:
	rm -rf out .pytest_cache
