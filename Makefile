# Two commands do all set-up: `make sandbox` (the demo shop) and `make test` (the suite).
PYTHON_BIN ?= python3
VENV ?= .venv
PYTHON = $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: install sandbox advance simulate test test-sqlite test-postgresql release

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON_BIN) -m venv $(VENV)
	$(PYTHON) -m pip install -q --upgrade pip
	$(PYTHON) -m pip install -q -e ".[sandbox,test]"
	touch $@

install: $(VENV)/.installed

# Migrates SQLite, loads demo data (and indexes the catalogue for Oscar's
# search-backed pages), then serves the shop on HOST with the lifecycle runner
# beside it (no broker needed). Ctrl-C stops both. Settings read HOST from
# SANDBOX_HOST, so links in emails point where runserver listens.
sandbox: export SANDBOX_HOST = $(HOST)
sandbox: install
	$(PYTHON) sandbox/manage.py migrate --noinput -v0
	$(PYTHON) sandbox/manage.py lifecycle_demo_data
	$(PYTHON) sandbox/manage.py lifecycle_run --loop & \
	exec $(PYTHON) sandbox/manage.py runserver $(HOST)

# Time travel, beside a running `make sandbox`: send now what the next BY (90m, 12h, 3d, 1w) would
# bring the sandbox's shoppers, each email dated as of its moment (lifecycle_run --advance).
BY ?= 1d
advance: export SANDBOX_HOST = $(HOST)
advance: install
	$(PYTHON) sandbox/manage.py lifecycle_run --advance $(BY)

# A month of simulated shoppers on a copy of the sandbox's database: who got which email, when.
simulate: export SANDBOX_HOST = $(HOST)
simulate: install
	$(PYTHON) sandbox/manage.py migrate --noinput -v0
	$(PYTHON) sandbox/manage.py lifecycle_demo_data
	$(PYTHON) sandbox/manage.py lifecycle_simulate --days 30

test: test-sqlite

test-sqlite: install
	$(PYTHON) -m pytest

# Needs PostgreSQL on 127.0.0.1:5432 (trust auth) or PG* environment variables.
test-postgresql: install
	LIFECYCLE_TEST_DB=postgresql $(PYTHON) -m pytest

# The release's files: the sdist and the wheel in dist/, the wheel checked for what a shop needs
# (migrations, templates, French, static files). Upload them with `twine upload dist/*`.
release: install
	$(PYTHON) -m pip install -q build
	rm -rf dist
	$(PYTHON) -m build --outdir dist .
	$(PYTHON) .ci/check_wheel.py
