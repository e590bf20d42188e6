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
from events.graph import fetch_in, reach
from events.services.keys import existing_key_ids
from gs1.identifiers import lot_key

# Beyond this many identifiers (a bulk import), bump the whole site once rather than walk and bump each lot.
MAX_LOTS = 2000


def keys_changed(key_ids: Iterable[int]) -> None:
    """The events just stored name these `EpcKey` ids: bump their lots and every lot downstream."""
    roots = list(key_ids)
    if not roots:
        return
    if len(roots) > MAX_LOTS:
        generations.bump_all()
        return
    depths = reach(roots, True, limit=MAX_LOTS)  # stops once past MAX_LOTS: a hub's whole downstream is not read
    if len(depths) > MAX_LOTS:
        generations.bump_all()
        return
    rows = fetch_in("SELECT gtin, lot_code FROM events_epckey WHERE id IN ({marks}) AND kind = 'lgtin'", list(depths))
    generations.bump_lots((gtin, code) for gtin, code in rows)


def lots_changed(lots: Iterable[Any]) -> None:
    """These catalogue lots' public facts changed (hold, release, recall): bump them and every lot downstream."""
    pairs = {(lot.product.gtin, lot.lot_code) for lot in lots}
    if not pairs:
        return
    generations.bump_lots(pairs)
    keys = [lot_key(gtin, code) for gtin, code in sorted(pairs)]
    keys_changed(existing_key_ids(keys).values())
