"""Plain multi-row INSERTs for the capture path: no model instances, one statement per chunk.

Django's `bulk_create` builds a model object and adapts every field of every row; at thousands of
index rows per document that was a third of the capture time. These helpers take tuples and run on
the raw DB-API cursor: Django's SQLite cursor wrapper rewrites every ``%s`` of a statement with a
regular expression, which for a 500-row INSERT costs more than the INSERT. Values must therefore be
what the driver takes as they are (see `db_datetime`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model

from core.storage.db import raw_cursor

CHUNK = 500  # rows per statement (SQLite allows 32,766 parameters; our widest row has 15 columns)
# PostgreSQL: from this many rows, COPY (or one JSON parameter) rather than an INSERT's placeholders; below it, an
# INSERT is one round trip where COPY with keys drawn first is three (a single-event capture writes rows of one)
COPY_FROM = 20


def insert_rows(
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning: Sequence[str] = (),
    ignore_conflicts: bool = False,
) -> list[tuple[Any, ...]]:
    """INSERT `rows` (tuples in `columns` order) into `table`, `CHUNK` rows per statement.

    With `returning` (columns, e.g. ("id", "event_id")), return those columns of the new rows
    (RETURNING: PostgreSQL, SQLite ≥ 3.35; the order of the rows is not relied upon). With
    `ignore_conflicts`, rows that would break a unique constraint are skipped (ON CONFLICT DO NOTHING)
    and are not returned.
    """
    out: list[tuple[Any, ...]] = []
    if not rows:
        return out
    if connection.vendor == "postgresql" and len(rows) >= COPY_FROM:
        if ignore_conflicts:
            return _insert_json_rows(table, columns, rows, returning)
        return _copy_rows(table, columns, rows, returning)
    qn = connection.ops.quote_name
    mark = "?" if connection.vendor == "sqlite" else "%s"
    head = f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) VALUES "
    one = "(" + ", ".join([mark] * len(columns)) + ")"
    tail = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    tail += f" RETURNING {', '.join(qn(c) for c in returning)}" if returning else ""
    with raw_cursor() as (cursor, _mark):
        for i in range(0, len(rows), CHUNK):
            chunk = rows[i : i + CHUNK]
            params = [v for row in chunk for v in row]
            cursor.execute(head + ", ".join([one] * len(chunk)) + tail, params)
            if returning:
                out.extend(tuple(r) for r in cursor.fetchall())
    return out


def _copy_rows(
    table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], returning: Sequence[str]
) -> list[tuple[Any, ...]]:
    """PostgreSQL: the rows by COPY, their primary keys (when returned) taken from the table's sequence first.

    A multi-row INSERT of 500 rows has 7,500 placeholders, which psycopg parses in Python on every statement and
    the server parses again: a third of a 1,000-event capture (bench/README.md, "Capture"). COPY sends rows,
    formatted in C (`copy_rows`). The keys are the sequence's next values, as the INSERT would have drawn them.
    """
    pk = "id"
    cols = list(columns)
    with raw_cursor() as (cursor, _mark):
        if returning:
            missing = [c for c in returning if c not in cols and c != pk]
            assert not missing, f"COPY returns only given columns and the key: {missing}"
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, len(rows)]
            )
            keys = [k for (k,) in cursor.fetchall()]
            rows = [(*row, key) for row, key in zip(rows, keys, strict=True)]
            cols.append(pk)
        copy_rows(cursor, table, cols, rows)
    if not returning:
        return []
    positions = [cols.index(c) for c in returning]
    return [tuple(row[i] for i in positions) for row in rows]


def copy_rows(cursor: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """PostgreSQL: COPY `rows` into `table`'s `columns` on `cursor` (a psycopg cursor), in the binary format.

    The server then reads each value as it is stored, without parsing its text (timestamps, numbers) or
    unescaping it (bodies, URIs): the ledger leaves' COPY took 433 ms over 40 documents in text, 237 in binary
    (bench/README.md, "Stop 34"). Binary values must be of the column's exact type, so the columns' types are read
    from the catalogue once per table and columns, and psycopg dumps each value as that type."""
    key = (table, tuple(columns))
    types = _column_types.get(key)
    if types is None:
        cursor.execute(
            "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
            "AND NOT attisdropped",
            [table],
        )
        by_name = dict(cursor.fetchall())
        types = _column_types[key] = [int(by_name[c]) for c in columns]
    qn = connection.ops.quote_name
    with cursor.copy(f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(types)
        for row in rows:
            copy.write_row(row)


_column_types: dict[tuple[str, tuple[str, ...]], list[int]] = {}


def _insert_json_rows(
    table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], returning: Sequence[str]
) -> list[tuple[Any, ...]]:
    """PostgreSQL, rows that may conflict (ON CONFLICT DO NOTHING, which COPY cannot do): one INSERT … SELECT
    from a JSON array typed as the table's rows (`json_populate_recordset`), one parameter whatever the number
    of rows. Values must be JSON's (text, numbers, booleans, null)."""
    qn = connection.ops.quote_name
    names = ", ".join(qn(c) for c in columns)
    sql = (
        f"INSERT INTO {qn(table)} ({names}) SELECT {names} FROM json_populate_recordset(NULL::{qn(table)}, %s) "
        "ON CONFLICT DO NOTHING"
    )
    if returning:
        sql += f" RETURNING {', '.join(qn(c) for c in returning)}"
    payload = json.dumps([dict(zip(columns, row, strict=True)) for row in rows], ensure_ascii=False)
    with raw_cursor() as (cursor, _mark):
        cursor.execute(sql, [payload])
        return [tuple(r) for r in cursor.fetchall()] if returning else []


M = TypeVar("M", bound=Model)


def insert_model(obj: M) -> M:
    """INSERT one new model instance (auto primary key) with a prepared statement; set its pk.

    What ``obj.save()`` does for a plain new row (field defaults, ``auto_now_add``, values prepared by
    each field for this database), without compiling an INSERT query: for the capture job row, written
    once per capture request.
    """
    return insert_models([obj])[0]


def insert_models(objs: list[M]) -> list[M]:
    """`insert_model` for several new instances of one model in one statement (single-event captures stored
    together write their jobs and audit entries so). Their pks are set in order: one INSERT draws its rows' keys in
    the order of its VALUES (a sequence, or SQLite's next rowid), so the returned keys are sorted first, whatever
    order ``RETURNING`` gives them in."""
    if not objs:
        return objs
    meta = objs[0]._meta
    fields = [f for f in meta.concrete_fields if f is not meta.pk]
    key = (type(objs[0]), connection.alias, connection.vendor, len(objs))
    sql = _insert_sql.get(key)
    if sql is None:
        qn = connection.ops.quote_name
        mark = "?" if connection.vendor == "sqlite" else "%s"
        row = f"({', '.join([mark] * len(fields))})"
        sql = (
            f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
            f"VALUES {', '.join([row] * len(objs))} RETURNING {qn(meta.pk.column)}"
        )
        if len(objs) <= 16:  # the shapes single-event captures make; larger ones are rare
            _insert_sql[key] = sql
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for obj in objs for f in fields]
    with raw_cursor() as (cursor, _mark):
        cursor.execute(sql, params)
        pks = sorted(row[0] for row in cursor.fetchall())
    for obj, pk in zip(objs, pks, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


_insert_sql: dict[tuple[type[Model], str, str, int], str] = {}


def db_datetime(value: datetime) -> Any:
    """A datetime as the database backend stores it (UTC text on SQLite, aware datetime on PostgreSQL)."""
    return connection.ops.adapt_datetimefield_value(value)
