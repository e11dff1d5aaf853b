# Two commands on a fresh Debian machine: `make demo` and `make test`. Both install what they
# need (system packages with apt-get when run as root or with sudo, Python packages in .venv).

VENV := .venv
PY := $(VENV)/bin/python
STATEMENTS := $(wildcard data/statements/*/statement.yaml)
SYSTEM_PACKAGES := python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils qpdf libgs-common chromium

.PHONY: demo test setup system lint bench clean

demo: setup
	@set -e; for statement in $(dir $(STATEMENTS)); do \
	  $(VENV)/bin/statement-pdf build $$statement --out out; done

test: setup
	$(PY) -m pytest -q

bench: setup
	$(PY) benchmarks/run.py

lint: setup
	$(VENV)/bin/ruff check src tests benchmarks

setup: system $(VENV)/.installed

system:
	@bash scripts/install-system-packages.sh $(SYSTEM_PACKAGES)

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[cluster,serve,test]'
	touch $@

clean:
	rm -rf out $(VENV)
