"""Identifier rows: find or create `EpcKey`s in bulk, and link them to catalogue lots registered later."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from events.epcis import InvalidIdentifier, epc_urn, parse_key
from events.models import EpcKey

CHUNK = 2000


def _new_key(value: str) -> EpcKey:
    """An unsaved `EpcKey` for an identifier as written (URN or Digital Link)."""
    try:
        gk = parse_key(value)
    except InvalidIdentifier:
        return EpcKey(key=value, kind="other", epc=value)
    epc = gk.source if gk.source.startswith("urn:") else ""
    for cpl in (None, len(settings.TRUYXUAT_PROVINCIAL_GS1_PREFIX)):
        # Company prefix length from GS1's table; for ranges it does not know (e.g. Vietnam's 893), the
        # provincial prefix's length: any split names the same key, so the URN still parses back to it.
        try:
            epc = epc_urn(gk, cpl)
            break
        except ValueError:
            continue
    return EpcKey(
        key=gk.key,
        kind=gk.kind,
        epc=epc,
        gtin=gk.gtin14 or "",
        lot_code=(gk.lot or "")[:80],
        serial=(gk.serial or "")[:80],
        gln=gk.gln or "",
    )


def key_ids(values: dict[str, str]) -> dict[str, int]:
    """Map canonical keys to `EpcKey` ids, creating the missing rows.

    `values` maps each canonical key to one way it was written (used to fill kind, GTIN, lot, GLN…).
    Safe against concurrent captures: new rows are inserted with ignore_conflicts and read back.
    New lot keys are linked at once to catalogue lots that already exist.
    """
    found: dict[str, int] = {}
    keys = list(values)
    for i in range(0, len(keys), CHUNK):
        found.update(EpcKey.objects.filter(key__in=keys[i : i + CHUNK]).values_list("key", "id"))
    missing = [k for k in keys if k not in found]
    if missing:
        rows = []
        for k in missing:
            row = _new_key(values[k])
            row.key = k
            rows.append(row)
        _link_new(rows)
        EpcKey.objects.bulk_create(rows, batch_size=CHUNK, ignore_conflicts=True)
        for i in range(0, len(missing), CHUNK):
            found.update(EpcKey.objects.filter(key__in=missing[i : i + CHUNK]).values_list("key", "id"))
    return found


def _link_new(rows: Iterable[EpcKey]) -> None:
    """Point new lot keys at their catalogue lot (same GTIN and lot code) when it is registered already."""
    from catalog.models import Lot

    wanted = {(r.gtin, r.lot_code) for r in rows if r.kind == "lgtin" and r.gtin and r.lot_code}
    if not wanted:
        return
    gtins = sorted({g for g, _c in wanted})
    lots: dict[tuple[str, str], int] = {}
    for i in range(0, len(gtins), CHUNK):
        # few catalogue lots per GTIN: read them by GTIN and match the lot codes here
        for pk, g, c in Lot.objects.filter(product__gtin__in=gtins[i : i + CHUNK]).values_list(
            "pk", "product__gtin", "lot_code"
        ):
            if (g, c) in wanted:
                lots[(g, c)] = pk
    for r in rows:
        r.lot_id = lots.get((r.gtin, r.lot_code))


def link_lot(lot_id: int, gtin: str, lot_code: str) -> int:
    """Link the keys of a lot registered after its events arrived; returns how many keys were linked."""
    return EpcKey.objects.filter(kind="lgtin", gtin=gtin, lot_code=lot_code, lot__isnull=True).update(lot_id=lot_id)
