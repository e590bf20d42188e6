"""Database guards: the append-only triggers on both vendors, and the one sanctioned reset.

Leaves, stored hashes and checkpoints are append-only. Migration 0002 installs triggers that
refuse UPDATE and DELETE on those tables (and a shrinking or deleted head) on SQLite and
PostgreSQL, so a mistaken query or a naive edit fails in the database itself, whatever client
sends it. Someone who can drop triggers can still edit rows: that is what the tamper audit
(``truyxuat ledger audit``) and the signed checkpoints are for.

The one sanctioned way to empty the ledger is emptying the whole database: Django's ``flush``
(used by transactional tests between tests). On PostgreSQL it issues ``TRUNCATE``, which row
triggers do not see. On SQLite it issues ``DELETE FROM``; the DELETE triggers there ask the
SQL function ``truyxuat_ledger_reset()``, which only this process registers and which answers
1 only while Django's flush runs. Any other client (the ``sqlite3`` shell, another program)
has no such function and its DELETE fails.

On SQLite, Django rebuilds a table to alter it; a future migration that alters one of these
tables must call :func:`create_triggers` again (the rebuilt table has no triggers).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

GUARDED_TABLES = ("ledger_ledgerleaf", "ledger_ledgerhash", "ledger_ledgercheckpoint")
HEAD_TABLE = "ledger_ledgerhead"

_state = threading.local()


def _resetting() -> int:
    return 1 if getattr(_state, "resetting", 0) else 0


@contextmanager
def allow_reset() -> Iterator[None]:
    """Let this thread's SQLite connections empty the ledger tables (whole-database flush only)."""
    _state.resetting = getattr(_state, "resetting", 0) + 1
    try:
        yield
    finally:
        _state.resetting -= 1


def _on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("truyxuat_ledger_reset", 0, _resetting)


_installed = False


def install() -> None:
    """Register the SQLite function on every new connection; let Django's flush use it."""
    global _installed
    if _installed:
        return
    _installed = True
    import django.db.backends.sqlite3.base  # noqa: F401 - import order: base imports operations
    from django.db.backends.signals import connection_created
    from django.db.backends.sqlite3.operations import DatabaseOperations

    connection_created.connect(_on_connection_created, dispatch_uid="ledger.db.sqlite_functions")
    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self: Any, sql_list: Any) -> Any:
        with allow_reset():
            return original(self, sql_list)

    DatabaseOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign]


def _sqlite_sql() -> list[str]:
    out = []
    for t in GUARDED_TABLES:
        out.append(
            f"CREATE TRIGGER IF NOT EXISTS {t}_no_update BEFORE UPDATE ON {t} "
            f"BEGIN SELECT RAISE(ABORT, '{t} is append-only: UPDATE refused'); END"
        )
        out.append(
            f"CREATE TRIGGER IF NOT EXISTS {t}_no_delete BEFORE DELETE ON {t} WHEN NOT truyxuat_ledger_reset() "
            f"BEGIN SELECT RAISE(ABORT, '{t} is append-only: DELETE refused'); END"
        )
    out.append(
        f"CREATE TRIGGER IF NOT EXISTS {HEAD_TABLE}_no_shrink BEFORE UPDATE ON {HEAD_TABLE} "
        f"WHEN NEW.size < OLD.size OR NEW.id <> OLD.id "
        f"BEGIN SELECT RAISE(ABORT, 'the ledger cannot shrink: UPDATE refused'); END"
    )
    out.append(
        f"CREATE TRIGGER IF NOT EXISTS {HEAD_TABLE}_no_delete BEFORE DELETE ON {HEAD_TABLE} "
        f"WHEN NOT truyxuat_ledger_reset() "
        f"BEGIN SELECT RAISE(ABORT, 'the ledger head cannot be deleted'); END"
    )
    return out


def _postgresql_sql() -> list[str]:
    out = [
        """CREATE OR REPLACE FUNCTION truyxuat_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
        END $$""",
        """CREATE OR REPLACE FUNCTION truyxuat_ledger_no_shrink() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' OR NEW.size < OLD.size OR NEW.id <> OLD.id THEN
            RAISE EXCEPTION 'the ledger cannot shrink: % refused', TG_OP
              USING ERRCODE = 'integrity_constraint_violation';
          END IF;
          RETURN NEW;
        END $$""",
    ]
    for t in GUARDED_TABLES:
        out.append(f"DROP TRIGGER IF EXISTS {t}_append_only ON {t}")
        out.append(
            f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
            f"FOR EACH ROW EXECUTE FUNCTION truyxuat_ledger_append_only()"
        )
    out.append(f"DROP TRIGGER IF EXISTS {HEAD_TABLE}_no_shrink ON {HEAD_TABLE}")
    out.append(
        f"CREATE TRIGGER {HEAD_TABLE}_no_shrink BEFORE UPDATE OR DELETE ON {HEAD_TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION truyxuat_ledger_no_shrink()"
    )
    return out


def _sqlite_drop_sql() -> list[str]:
    names = [f"{t}_no_update" for t in GUARDED_TABLES] + [f"{t}_no_delete" for t in GUARDED_TABLES]
    names += [f"{HEAD_TABLE}_no_shrink", f"{HEAD_TABLE}_no_delete"]
    return [f"DROP TRIGGER IF EXISTS {n}" for n in names]


def _postgresql_drop_sql() -> list[str]:
    out = [f"DROP TRIGGER IF EXISTS {t}_append_only ON {t}" for t in GUARDED_TABLES]
    out.append(f"DROP TRIGGER IF EXISTS {HEAD_TABLE}_no_shrink ON {HEAD_TABLE}")
    out += [
        "DROP FUNCTION IF EXISTS truyxuat_ledger_append_only()",
        "DROP FUNCTION IF EXISTS truyxuat_ledger_no_shrink()",
    ]
    return out


def create_triggers(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        sql = _sqlite_sql()
    elif vendor == "postgresql":
        sql = _postgresql_sql()
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise RuntimeError(f"ledger: no append-only triggers for database vendor {vendor!r}")
    for statement in sql:
        schema_editor.execute(statement, None)


def drop_triggers(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for statement in _sqlite_drop_sql() if vendor == "sqlite" else _postgresql_drop_sql():
        schema_editor.execute(statement, None)
