"""The DB-API cursor under Django's, for the hot paths that run fixed statements (capture, ledger, trace).

Django's SQLite cursor wrapper rewrites every ``%s`` of a statement to ``?`` with a regular expression, which
for an IN list of thousands of ids or a multi-row INSERT costs more than running it. Statements run here are
written with the driver's own placeholder (`raw_cursor` yields it) and their values must be what the driver
takes as they are (see `events.services.bulk.db_datetime`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection


@contextmanager
def raw_cursor(conn: Any = connection) -> Iterator[tuple[Any, str]]:
    """The DB-API cursor of `conn` (opened if need be; closed after) and its placeholder: ``?`` on SQLite,
    ``%s`` on PostgreSQL."""
    conn.ensure_connection()
    cursor = conn.connection.cursor()
    try:
        yield cursor, "?" if conn.vendor == "sqlite" else "%s"
    finally:
        cursor.close()
