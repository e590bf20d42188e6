"""Walking the genealogy: breadth-first over `LotEdge` rows by integer key ids, in batches (never JSON)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, connections

from core.replica import read_alias
from core.storage.db import array_literal, array_param, raw_cursor

BATCH = 5000
EdgeRow = tuple[int, int, int, int, int | None]  # src, dst, kind, event pk, organization id
COLUMNS = "src_id, dst_id, kind, event_id, organization_id_denorm"


def fetch_in(
    sql: str, ids: Sequence[Any], chunk: int = BATCH, before: Sequence[Any] = (), after: Sequence[Any] = ()
) -> list[Any]:
    """Rows of `sql`, whose `{marks}` is an IN list, over `ids` in chunks (`before`/`after`: parameters
    ahead of it/after it).

    Reads only, on the raw DB-API cursor: Django's SQLite wrapper rewrites every ``%s`` of the statement
    with a regular expression, which costs more than the query for IN lists of thousands of ids. On
    PostgreSQL ``IN ({marks})`` becomes ``= ANY(%s)`` with one array parameter (up to 100,000 ids).
    Parameters in `before` and `after` are written ``%s`` (``?`` on SQLite, here).
    """
    statements: list[tuple[str, list[Any]]] = []
    if connection.vendor == "sqlite" and (before or after):
        sql = sql.replace("%s", "?")
    if connection.vendor == "postgresql" and "IN ({marks})" in sql:
        # one array parameter instead of thousands of placeholders: PostgreSQL plans it once, quickly
        size = max(chunk, 100_000)
        for i in range(0, len(ids), size):
            mark, part = array_param(ids[i : i + size])
            statements.append((sql.replace("IN ({marks})", f"= ANY({mark})"), [*before, part, *after]))
    else:
        mark = "?" if connection.vendor == "sqlite" else "%s"
        for i in range(0, len(ids), chunk):
            part = list(ids[i : i + chunk])
            statements.append((sql.format(marks=",".join([mark] * len(part))), [*before, *part, *after]))
    out: list[Any] = []
    # the replica when the request may read from it (core.replica; the same engine as the primary)
    with raw_cursor(connections[read_alias()]) as (cursor, _mark):
        for statement, params in statements:
            cursor.execute(statement, params)
            out.extend(cursor.fetchall())
    return out


def fetch_union(parts: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
    """Rows of several `fetch_in` reads (each `sql` with its `{marks}` IN list over its values; the same columns,
    a literal first column telling them apart) in one statement, one round trip: ``UNION ALL`` of the parts, each
    as a subquery (a part may have its own LIMIT). Parts with no values are left out. On SQLite past `BATCH`
    values in all, each part is read by `fetch_in` instead (its chunks stay under SQLite's variable limit)."""
    parts = [(sql, values) for sql, values in parts if values]
    if not parts:
        return []
    alias = read_alias()
    postgres = connections[alias].vendor == "postgresql"
    if not postgres and sum(len(values) for _sql, values in parts) > BATCH:
        return [row for sql, values in parts for row in fetch_in(sql, values)]
    statements: list[str] = []
    params: list[Any] = []
    for i, (sql, values) in enumerate(parts):
        if postgres:
            mark, array = array_param(values)
            where = sql.replace("IN ({marks})", f"= ANY({mark})")
            params.append(array)
        else:
            where = sql.format(marks=",".join("?" * len(values)))
            params += values
        statements.append(f"SELECT * FROM ({where}) AS part{i}")
    with raw_cursor(connections[alias]) as (cursor, _mark):
        cursor.execute(" UNION ALL ".join(statements), params)
        return cursor.fetchall()


# PostgreSQL: from this many lots in a level, the frontier is joined as a relation (a merge join along the covering
# index) rather than probed id by id: a recall's levels of 350,000-600,000 lots at 10M events took 0.5-1.0 s
# instead of 0.9-1.7 s (bench/README.md, "Recall")
JOIN_FROM = 10_000


def _join(ids: Sequence[int]) -> bool:
    return len(ids) >= JOIN_FROM and connections[read_alias()].vendor == "postgresql"


def _joined(sql: str, ids: Sequence[int]) -> list[Any]:
    """Rows of `sql`, whose one parameter is the ids as a bigint array (PostgreSQL)."""
    with raw_cursor(connections[read_alias()]) as (cursor, _mark):
        cursor.execute(sql, [array_literal(ids)])
        return cursor.fetchall()


def edges_touching(ids: Iterable[int], column: str) -> list[EdgeRow]:
    """All edges whose `column` ('src_id' or 'dst_id') is one of `ids` (one query per batch)."""
    assert column in ("src_id", "dst_id")
    return fetch_in(f"SELECT {COLUMNS} FROM events_lotedge WHERE {column} IN ({{marks}})", list(ids))


def reach(
    roots: Iterable[int], forward: bool = True, max_depth: int | None = None, limit: int | None = None
) -> dict[int, int]:
    """{key id: depth} of `roots` (depth 0) and every lot downstream (forward) or upstream, breadth first.

    What `walk` finds, without the edges: each level reads only the far ends of the frontier's edges (one
    covering-index read per batch; faster than a recursive CTE, which reads every edge twice, and than
    DISTINCT, which makes SQLite sort). With `limit`, the walk stops at the level where it has found more than
    `limit` lots (the answer is then partial: a caller that only needs to know "more than `limit`" asks this).
    """
    near, far = ("src_id", "dst_id") if forward else ("dst_id", "src_id")
    sql = f"SELECT {far} FROM events_lotedge WHERE {near} IN ({{marks}})"
    joined = f"SELECT e.{far} FROM unnest(%s::bigint[]) AS f(id) JOIN events_lotedge e ON e.{near} = f.id"
    depth: dict[int, int] = dict.fromkeys(roots, 0)
    frontier = list(depth)
    level = 0
    while frontier and (max_depth is None or level < max_depth) and (limit is None or len(depth) <= limit):
        level += 1
        rows = _joined(joined, frontier) if _join(frontier) else fetch_in(sql, frontier)
        found = dict.fromkeys(other for (other,) in rows if other not in depth)
        depth.update(dict.fromkeys(found, level))
        frontier = list(found)
    return depth


def walk(
    roots: Iterable[int],
    forward: bool,
    max_depth: int | None = None,
    allow: Callable[[EdgeRow], bool] | None = None,
) -> tuple[dict[int, int], list[EdgeRow]]:
    """Breadth-first walk from `roots` downstream (forward) or upstream; returns {key id: depth} and edges.

    `allow` filters edges (visibility); `max_depth` bounds the number of steps.
    """
    column = "src_id" if forward else "dst_id"
    depth: dict[int, int] = {r: 0 for r in roots}
    frontier = list(depth)
    used: list[EdgeRow] = []
    level = 0
    while frontier and (max_depth is None or level < max_depth):
        level += 1
        rows = edges_touching(frontier, column)
        if allow is not None:
            rows = [row for row in rows if allow(row)]
        used += rows
        frontier = []
        for row in rows:
            other = row[1] if forward else row[0]
            if other not in depth:
                depth[other] = level
                frontier.append(other)
    return depth, used


def without_declared(pks: list[int]) -> list[int]:
    """`pks` (events, in order) less those declared in error (`events.services.corrections`)."""
    if not pks:
        return pks
    declared = {e for (e,) in fetch_in("SELECT event_id FROM events_errordeclaration WHERE event_id IN ({marks})", pks)}
    return [pk for pk in pks if pk not in declared] if declared else pks
