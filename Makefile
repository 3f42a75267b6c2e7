# Every target installs what it needs first, so a fresh Debian machine needs nothing else.
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
STAMP  := $(VENV)/.installed
LINTED := salesdocs tests benchmarks scripts

.PHONY: install system lint test demo check bench clean

# Debian packages, installed at the versions in debian-versions.txt; warns when the installed ones differ
system:
	@bash scripts/install-system.sh

# Python packages, exactly the versions in constraints.txt (README: Updating dependencies).
# PYTHONWARNINGS hides setuptools' "Editable installation ... folders in your working directory with the
# same name as your package may take precedence" notice: here that folder is the package itself.
$(STAMP): export PYTHONWARNINGS = ignore:Editable installation
$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || { echo "creating $(VENV) with $$(python3 -V)"; python3 -m venv $(VENV); }
	@echo "upgrading pip and setuptools in $(VENV) (a few seconds)"
	@$(PIP) install -q -c constraints.txt --upgrade pip setuptools
	@echo "installing salesdocs (editable) and the Python packages pinned in constraints.txt into $(VENV)"
	$(PIP) install -c constraints.txt --build-constraint constraints.txt -e '.[test]'
	@touch $(STAMP)

install: system $(STAMP)
	@# bytecode for the editable package (pip compiles only what it copies; some shells set PYTHONDONTWRITEBYTECODE)
	@$(PY) -m compileall -q salesdocs

# yaml-language-server for the editor tests (tests/test_editor_lsp.py), at the versions in tests/lsp/package-lock.json,
# into the git-ignored tests/lsp/node_modules; only when the lock file changed. Without node the tests are skipped.
LSP := tests/lsp/node_modules/.package-lock.json
$(LSP): tests/lsp/package.json tests/lsp/package-lock.json
	@if command -v npm >/dev/null; then \
		echo "installing yaml-language-server (tests/lsp/package-lock.json) into tests/lsp/node_modules"; \
		cd tests/lsp && npm ci --no-audit --no-fund --loglevel=error; \
	else echo "node/npm not found: the editor (LSP) tests will be skipped"; fi

# the gates `make test` runs before the tests: import contracts, ruff lint and format, mypy (strict; config in pyproject.toml)
lint: install
	$(VENV)/bin/lint-imports --no-logo
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/ruff format --check $(LINTED)
	$(VENV)/bin/mypy

test: lint $(LSP)
	$(PY) -m pytest -q

demo: install
	@bash scripts/demo.sh

check: install
	$(VENV)/bin/salesdocs check

bench: install
	$(PY) benchmarks/run.py
	$(PY) benchmarks/records_bench.py

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
