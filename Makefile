# truyxuat — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
PYTEST_ARGS ?=
export TRUYXUAT_DATA_DIR ?= $(CURDIR)/var

.PHONY: install install-test run demo serve test lint typecheck migrations-check test-sqlite test-postgres bench clean lock audit

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Every dependency comes from a lock file with hashes (make lock); the project itself is then installed without
# dependencies and without build isolation (its build requirements are in the lock too).
LOCK := requirements/runtime.txt
TEST_LOCK := requirements/test.txt
UV_VERSION := 0.13.9
LOCK_ARGS ?=

# Installs go through uv (itself installed from its own hash-locked file, requirements/uv.txt): the same locks and
# hashes as pip, in seconds where pip took minutes on a fresh clone.
UV := $(BIN)/uv
UV_LOCK := requirements/uv.txt

$(UV): $(UV_LOCK) | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r $(UV_LOCK)
	touch $@

$(STAMP): pyproject.toml $(LOCK) $(UV) | $(BIN)/python
	$(UV) pip install -q --python $(BIN)/python --require-hashes -r $(LOCK)
	$(UV) pip install -q --python $(BIN)/python --no-deps --no-build-isolation -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(TEST_LOCK) $(STAMP)
	$(UV) pip install -q --python $(BIN)/python --require-hashes -r $(TEST_LOCK)
	touch $@

install: $(STAMP)

install-test: $(TEST_STAMP)

var/secret_key:
	@mkdir -p var
	@$(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > $@
	@chmod 600 $@

# a demo node: `truyxuat check --deploy` accepts the demo passwords that `make run` prints
run: export TRUYXUAT_DEMO := 1
run: install var/secret_key
	@TRUYXUAT_SECRET_KEY=$$(cat var/secret_key) $(BIN)/truyxuat migrate --no-input -v 1
	@TRUYXUAT_SECRET_KEY=$$(cat var/secret_key) $(BIN)/truyxuat demo
	@echo ""
	@echo "  Cổng truy xuất / Portal:   http://127.0.0.1:8000/"
	@echo "  Quản trị / Admin:          http://127.0.0.1:8000/admin/"
	@echo "  API docs:                  http://127.0.0.1:8000/api/docs"
	@echo "  Health:                    http://127.0.0.1:8000/healthz"
	@echo "  Jobs / Tác vụ nền:         truyxuat worker (started with the server)"
	@echo ""
	@TRUYXUAT_SECRET_KEY=$$(cat var/secret_key) $(BIN)/truyxuat serve --port 8000

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-test
	TRUYXUAT_DEBUG=1 $(BIN)/mypy .

migrations-check: install-test
	TRUYXUAT_DEBUG=1 $(BIN)/truyxuat makemigrations --check --dry-run

test-sqlite: install-test
	$(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

test-postgres: install-test
	TRUYXUAT_TEST_DATABASE_ONLY=1 scripts/with-postgres.sh $(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# mypy (one core, about a minute) runs beside the SQLite pass, whose two workers leave a third of the machine idle
# while they wait on servers, browsers and subprocesses; each one's output is printed whole when it ends.
test: install-test
	scripts/ensure-system-packages.sh
	$(MAKE) lint migrations-check
	@echo "== pytest on SQLite, mypy beside it =="
	$(MAKE) -j2 --output-sync=target typecheck test-sqlite
	@echo "== pytest on PostgreSQL =="
	$(MAKE) test-postgres

# Regenerate both lock files from pyproject.toml after changing a dependency (LOCK_ARGS=--upgrade to move the
# unpinned transitive dependencies to their newest releases too). core/tests/test_lock.py fails until it is run.
lock: | $(BIN)/python
	@test -x $(BIN)/uv && $(BIN)/uv --version | grep -q ' $(UV_VERSION) ' || $(BIN)/pip install -q uv==$(UV_VERSION)
	echo "uv==$(UV_VERSION)" | $(BIN)/uv pip compile - --generate-hashes --universal --python-version 3.11 \
		--native-tls -o $(UV_LOCK)
	$(BIN)/uv pip compile pyproject.toml requirements/build.in --extra test --generate-hashes --universal \
		--python-version 3.11 --native-tls $(LOCK_ARGS) -o $(TEST_LOCK)
	$(BIN)/uv pip compile pyproject.toml requirements/build.in --generate-hashes --universal \
		--python-version 3.11 --native-tls --constraint $(TEST_LOCK) -o $(LOCK)

# Known vulnerabilities of every locked dependency (pip-audit, PyPI's advisory data). It needs that service: where
# it is unreachable this fails (--strict: a package it could not check is a failure), within AUDIT_TIMEOUT seconds.
AUDIT_TIMEOUT ?= 300
audit: install-test
	@timeout $(AUDIT_TIMEOUT) $(BIN)/pip-audit --strict --disable-pip --require-hashes -r $(TEST_LOCK) \
		--timeout 20 --progress-spinner off \
	|| { echo "make audit: FAILED. Either a locked dependency has a known vulnerability (listed above: upgrade it in"; \
	     echo "pyproject.toml, make lock), or the vulnerability data could not be reached within $(AUDIT_TIMEOUT) s (run"; \
	     echo "make audit on a machine that reaches PyPI's vulnerability data, e.g. a release machine with internet)."; exit 1; }

bench: install-test
	scripts/ensure-system-packages.sh bench
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b; done

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
