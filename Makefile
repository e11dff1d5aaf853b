# Two commands on a fresh Debian machine: `make demo` and `make test`. Both install what they
# need (system packages with apt-get when run as root or with sudo, Python packages in .venv).

VENV := .venv
PY := $(VENV)/bin/python
STATEMENTS := $(wildcard data/statements/*/statement.yaml)
SYSTEM_PACKAGES := python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils qpdf libgs-common chromium

.PHONY: demo test setup system readers lint bench clean

demo: setup
	@set -e; for statement in $(dir $(STATEMENTS)); do \
	  $(VENV)/bin/statement-pdf build $$statement --out out; done

# Two pytest processes (pytest-xdist), each given whole test files (--dist loadfile), so that a
# file's module-scoped renders are made once: most tests are one process rendering, which would
# leave the second core idle.
test: setup readers
	$(PY) -m pytest -q -n 2 --dist loadfile

bench: setup
	$(PY) benchmarks/run.py

lint: setup
	$(VENV)/bin/ruff check src tests benchmarks

setup: system $(VENV)/.installed

system:
	@bash scripts/install-system-packages.sh $(SYSTEM_PACKAGES)

# pdf.js (Firefox's PDF reader), which the tests read every document with: Node and npm from
# Debian when missing, then the version package-lock.json pins (its optional canvas is not
# needed for text).
readers: node_modules/.package-lock.json

node_modules/.package-lock.json: package-lock.json
	@command -v node >/dev/null && command -v npm >/dev/null \
		|| bash scripts/install-system-packages.sh nodejs npm
	npm ci --omit=optional --no-audit --no-fund --loglevel=error

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[cluster,serve,test]'
	touch $@

clean:
	rm -rf out $(VENV) node_modules
