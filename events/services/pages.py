"""Public pages that an event or a safety decision changes: the lots named and every lot downstream of them.

A lot's public page shows its chain, traced backward through the genealogy: an event captured on a lot (or a
hold, release or recall of it) changes its own page and the page of every lot made from it. These functions
bump the generations (`core.generations`) of all those lots in the caller's transaction, so every serving
process shows the change on its next request. Not records (no audit, no ledger): cache state only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.db import connection

from core import generations
from core.storage.db import array_literal, raw_cursor
from events.services.keys import existing_key_ids
from gs1.identifiers import lot_key

# Beyond this many lots (a bulk import, a hub's downstream), bump the whole site once rather than bump each lot.
# Bumping more than needed is always safe: a page is only made again.
MAX_LOTS = 2000

# The lots named and every lot downstream, with their identifiers, in one statement: a recursive walk whose UNION
# drops the lots already found, stopped once past MAX_LOTS: by the outer LIMIT on PostgreSQL, which produces a
# recursive query's rows as they are asked for, and by a LIMIT on the recursive term on SQLite, which otherwise walks
# to the end first (at 10M events a single-event POST took up to 1.5 s). Walked level by level, a single-event
# capture on a farm lot with a few hundred lots downstream made ten round trips (bench/README.md, "Capture").
# SQLite also runs a step of the walk whole for the lot it expands, LIMIT or not: an additive supplier's lot, made
# into ~15,000 batches, cost 30 ms under the write lock each time a capture named it, though the answer was already
# "past the bound". There, `fan` first counts the named lots' own edges (at most MAX_LOTS + 1, from the covering
# index): past the bound, the walk does not start. An edge count may exceed the lots it reaches (two events between
# the same lots): then the whole site is bumped a little early, which is always safe.
_DOWNSTREAM = """
WITH RECURSIVE {fan}down(id) AS (
  {roots}{gate} UNION SELECT e.dst_id FROM down JOIN events_lotedge e ON e.src_id = down.id{stop}
),
found AS MATERIALIZED (SELECT id FROM down LIMIT {limit})
SELECT 0, '', '' WHERE (SELECT count(*) FROM found) > {most}{past}
UNION ALL
SELECT k.id, k.gtin, k.lot_code FROM found JOIN events_epckey k ON k.id = found.id
WHERE k.kind = 'lgtin' AND (SELECT count(*) FROM found) <= {most}
"""
_FAN = "fan(n) AS (SELECT count(*) FROM (SELECT 1 FROM events_lotedge WHERE src_id IN ({roots}) LIMIT {limit})), "


def keys_changed(key_ids: Iterable[int]) -> None:
    """The events just stored name these `EpcKey` ids: bump their lots and every lot downstream."""
    roots = sorted(set(key_ids))
    if not roots:
        return
    lots = None if len(roots) > MAX_LOTS else _lots_from(roots)
    if lots is None:
        generations.bump_all()
    else:
        generations.bump_lots(lots)


def _lots_from(roots: list[int]) -> set[tuple[str, str]] | None:
    """The lots (GTIN, lot code) among `roots` and downstream of them; None when they are more than `MAX_LOTS`
    identifiers (then none is read: the statement answers one row of id 0)."""
    params: list[Any]
    limit, most = MAX_LOTS + 1, MAX_LOTS
    if connection.vendor == "postgresql":
        first, params = "SELECT unnest(%s::bigint[])", [array_literal(roots)]
        parts = {"fan": "", "gate": "", "past": ""}
        stop = ""  # the outer LIMIT stops the walk (PostgreSQL refuses a LIMIT in the recursive term)
    else:
        # one JSON array parameter: a VALUES list of more than 500 rows is a compound SELECT past SQLite's limit
        first, params = "SELECT value FROM json_each(?)", [json.dumps(roots)] * 2
        parts = {
            "fan": _FAN.format(roots=first, limit=limit),
            "gate": f" WHERE (SELECT n FROM fan) <= {most}",
            "past": f" OR (SELECT n FROM fan) > {most}",
        }
        stop = f" LIMIT {limit}"  # SQLite walks to the end before an outer LIMIT; this one stops it
    with raw_cursor() as (cursor, _mark):
        cursor.execute(_DOWNSTREAM.format(roots=first, stop=stop, limit=limit, most=most, **parts), params)
        rows = cursor.fetchall()
    if any(pk == 0 for pk, _gtin, _code in rows):
        return None
    return {(gtin, code) for _pk, gtin, code in rows if gtin and code}


def lots_changed(lots: Iterable[Any]) -> None:
    """These catalogue lots' public facts changed (hold, release, recall): bump them and every lot downstream."""
    pairs = {(lot.product.gtin, lot.lot_code) for lot in lots}
    if not pairs:
        return
    generations.bump_lots(pairs)
    keys = [lot_key(gtin, code) for gtin, code in sorted(pairs)]
    keys_changed(existing_key_ids(keys).values())
