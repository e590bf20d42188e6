"""Plain multi-row INSERTs for the capture path: no model instances, one statement per chunk.

Django's `bulk_create` builds a model object and adapts every field of every row; at thousands of
index rows per document that was a third of the capture time. These helpers take tuples.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import connection

CHUNK = 500  # rows per statement (SQLite allows 32,766 parameters; our widest row has 15 columns)


def insert_rows(
    table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, returning: Sequence[str] = ()
) -> list[tuple[Any, ...]]:
    """INSERT `rows` (tuples in `columns` order) into `table`, `CHUNK` rows per statement.

    With `returning` (columns, e.g. ("id", "event_id")), return those columns of the new rows
    (RETURNING: PostgreSQL, SQLite ≥ 3.35; the order of the rows is not relied upon).
    """
    out: list[tuple[Any, ...]] = []
    if not rows:
        return out
    qn = connection.ops.quote_name
    head = f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) VALUES "
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    tail = f" RETURNING {', '.join(qn(c) for c in returning)}" if returning else ""
    with connection.cursor() as cursor:
        for i in range(0, len(rows), CHUNK):
            chunk = rows[i : i + CHUNK]
            params = [v for row in chunk for v in row]
            cursor.execute(head + ", ".join([one] * len(chunk)) + tail, params)
            if returning:
                out.extend(tuple(r) for r in cursor.fetchall())
    return out


def db_datetime(value: datetime) -> Any:
    """A datetime as the database backend stores it (UTC text on SQLite, aware datetime on PostgreSQL)."""
    return connection.ops.adapt_datetimefield_value(value)
