# truyxuat — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
PYTEST_ARGS ?=
export TRUYXUAT_DATA_DIR ?= $(CURDIR)/var

.PHONY: install install-test run demo serve test lint typecheck migrations-check test-sqlite test-postgres bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install -q -e '.[test]'
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
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

test-postgres: install-test
	scripts/with-postgres.sh $(BIN)/pytest -n 2 $(PYTEST_ARGS)

test: install-test
	scripts/ensure-system-packages.sh
	$(MAKE) lint typecheck migrations-check
	@echo "== pytest on SQLite =="
	$(MAKE) test-sqlite
	@echo "== pytest on PostgreSQL =="
	$(MAKE) test-postgres

bench: install-test
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b; done

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
