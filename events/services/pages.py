"""Public pages that an event or a safety decision changes: the lots named and every lot downstream of them.

A lot's public page shows its chain, traced backward through the genealogy: an event captured on a lot (or a
hold, release or recall of it) changes its own page and the page of every lot made from it. These functions
bump the generations (`core.generations`) of all those lots in the caller's transaction, so every serving
process shows the change on its next request. Not records (no audit, no ledger): cache state only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from core import generations
from events.graph import fetch_in, fetch_union
from events.services.keys import existing_key_ids
from gs1.identifiers import lot_key

# Beyond this many lots (a bulk import, a hub's downstream), bump the whole site once rather than walk and bump
# each lot; likewise when one level of the walk has MAX_EDGES edges or more (an additive went into most of the
# province's batches): reading them all to learn that cost a 1,000-event document 58 ms at 1M events
# (bench/README.md, "Capture"). Bumping more than needed is always safe: a page is only made again.
MAX_LOTS = 2000
MAX_EDGES = 4 * MAX_LOTS

Row = tuple[int, str, str, str]  # key id, kind, GTIN, lot code
_ROOTS = "SELECT 0, id, kind, gtin, lot_code FROM events_epckey WHERE id IN ({marks})"
_LEVEL = "SELECT 1, dst_id, '', '', '' FROM events_lotedge WHERE src_id IN ({marks}) LIMIT "  # index only
_LOTS = "SELECT id, kind, gtin, lot_code FROM events_epckey WHERE id IN ({marks})"


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
    """The lots (GTIN, lot code) among `roots` and downstream of them, breadth first; None once past `MAX_LOTS`
    identifiers or at a level of `MAX_EDGES` edges. The roots' identifiers and the first level are read in one
    statement: a single-event capture's only one when its lots have nothing downstream."""
    rows = fetch_union([(_ROOTS, roots), (_LEVEL + str(MAX_EDGES), roots)])
    found: list[Row] = [row[1:] for row in rows if row[0] == 0]
    level = [row[1] for row in rows if row[0] == 1]
    seen = set(roots)
    while level:
        if len(level) >= MAX_EDGES:
            return None
        frontier = sorted(set(level) - seen)
        seen.update(frontier)
        if len(seen) > MAX_LOTS:
            return None
        if not frontier:
            break
        level = [row[1] for row in fetch_in(_LEVEL + str(MAX_EDGES), frontier)]
    downstream = sorted(seen.difference(roots))
    if downstream:
        found += fetch_in(_LOTS, downstream)
    return {(gtin, code) for _id, kind, gtin, code in found if kind == "lgtin" and gtin and code}


def lots_changed(lots: Iterable[Any]) -> None:
    """These catalogue lots' public facts changed (hold, release, recall): bump them and every lot downstream."""
    pairs = {(lot.product.gtin, lot.lot_code) for lot in lots}
    if not pairs:
        return
    generations.bump_lots(pairs)
    keys = [lot_key(gtin, code) for gtin, code in sorted(pairs)]
    keys_changed(existing_key_ids(keys).values())
