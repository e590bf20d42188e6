"""The DB-API cursor under Django's, for the hot paths that run fixed statements (capture, ledger, trace).

Django's SQLite cursor wrapper rewrites every ``%s`` of a statement to ``?`` with a regular expression, which
for an IN list of thousands of ids or a multi-row INSERT costs more than running it. Statements run here are
written with the driver's own placeholder (`raw_cursor` yields it) and their values must be what the driver
takes as they are (see `core.storage.bulk.db_datetime`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections


@contextmanager
def raw_cursor(conn: Any = None) -> Iterator[tuple[Any, str]]:
    """The DB-API cursor of `conn` (default: this thread's default connection; opened if need be; closed
    after) and its placeholder: ``?`` on SQLite, ``%s`` on PostgreSQL."""
    if conn is None:  # the wrapper itself, looked up once (each attribute of `django.db.connection` is a lookup)
        conn = connections[DEFAULT_DB_ALIAS]
    conn.ensure_connection()
    cursor = conn.connection.cursor()
    try:
        yield cursor, "?" if conn.vendor == "sqlite" else "%s"
    finally:
        cursor.close()


def array_literal(values: Iterable[Any], write: Callable[[Any], str] = str) -> str:
    """A PostgreSQL array literal (``{1,2,3}``) of values that need no quoting (integers, `repr` of floats,
    ``t``/``f``), for a ``%s::<type>[]`` parameter: psycopg adapts a list element by element in Python (type
    checks, quoting), which cost 20-30 ms of a hub lot's trace and two fifths of a 5,000-reading upload; the
    server parses the text in C (bench/README.md)."""
    return "{" + ",".join(map(write, values)) + "}"


# From this many values an array goes to the planner as a scalar subquery's result, not as a constant: PostgreSQL
# estimates ``= ANY(<constant array>)`` element by element against the column's statistics (4.3 ms of planning for a
# hub lot's 5,759 ids, more than reading them), and unseen it assumes a few values, which keeps the index probes that
# every caller of `array_param` wants (ids, eventIDs and keys looked up). Under it, the values' estimate is kept.
PLANNED_UP_TO = 100


def array_param(values: Sequence[Any]) -> tuple[str, Any]:
    """PostgreSQL: the placeholder and parameter of `values` as one array, for ``= ANY(<placeholder>)``.

    psycopg adapts a list element by element in Python (for text, quoting each: a twentieth of a batched
    capture's time went to its duplicate lookup's 1,000 eventIDs and hashes). Integer ids go as one array literal
    (`array_literal`); strings as one text the server splits at line ends (``string_to_array``), unless one is
    empty or holds a line end (never an eventID, hash or identifier key: URIs have no whitespace), then as a list.
    Past `PLANNED_UP_TO` values the array is hidden from the planner's estimates (a scalar subquery).
    """
    param: Any
    if values and type(values[0]) is int:
        mark, param, kind = "%s::bigint[]", array_literal(values), "bigint[]"
    elif values and all(type(v) is str and v and "\n" not in v for v in values):
        mark, param, kind = "string_to_array(%s, E'\\n')", "\n".join(values), "text[]"
    elif values and type(values[0]) is str:
        mark, param, kind = "%s::text[]", list(values), "text[]"
    else:
        return "%s", list(values)
    if len(values) > PLANNED_UP_TO:
        mark = f"(SELECT {mark})::{kind}"
    return mark, param
