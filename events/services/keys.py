"""Identifier rows: find or create `EpcKey`s in bulk, and link them to catalogue lots registered later."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q

from catalog.models import Lot, Product
from core.storage.bulk import db_datetime, insert_rows
from events.epcis.values import Value
from events.graph import fetch_in
from events.models import EpcKey, EventValue
from gs1.identifiers import GS1Key, InvalidIdentifier, digital_link, epc_urn, lot_key, parse_key

CHUNK = 2000
TABLE = EpcKey._meta.db_table


_COLUMNS = ("key", "kind", "epc", "gtin", "lot_code", "serial", "gln", "lot_id")


def _new_key(value: str) -> list[Any]:
    """A new `EpcKey` row (`_COLUMNS` order, lot_id None) for an identifier as written (URN or Digital Link)."""
    try:
        gk = parse_key(value)
    except InvalidIdentifier:
        return [value, "other", value, "", "", "", "", None]
    epc = gk.source if gk.source.startswith("urn:") else ""
    for cpl in (None, len(settings.TRUYXUAT_PROVINCIAL_GS1_PREFIX)):
        # Company prefix length from GS1's table; for ranges it does not know (e.g. Vietnam's 893), the
        # provincial prefix's length: any split names the same key, so the URN still parses back to it.
        try:
            epc = epc_urn(gk, cpl)
            break
        except ValueError:
            continue
    return [gk.key, gk.kind, epc, gk.gtin14 or "", (gk.lot or "")[:80], (gk.serial or "")[:80], gk.gln or "", None]


def existing_key_ids(keys: list[str]) -> dict[str, int]:
    """{canonical key: `EpcKey` id} of those of `keys` already stored (a read: nothing is created)."""
    return dict(fetch_in(f"SELECT key, id FROM {TABLE} WHERE key IN ({{marks}})", keys, chunk=CHUNK))


def key_ids(values: dict[str, str]) -> dict[str, int]:
    """Map canonical keys to `EpcKey` ids, creating the missing rows.

    `values` maps each canonical key to one way it was written (used to fill kind, GTIN, lot, GLN…).
    Safe against concurrent captures: new rows are inserted with ON CONFLICT DO NOTHING, and those
    another capture inserted first are read back. New lot keys are linked at once to catalogue lots
    that already exist.
    """
    keys = list(values)
    found = existing_key_ids(keys)
    missing = sorted(k for k in keys if k not in found)  # one order for all captures: concurrent inserts never cross
    if missing:
        rows = []
        for k in missing:
            row = _new_key(values[k])
            row[0] = k
            rows.append(row)
        _link_new(rows)
        found.update(insert_rows(TABLE, _COLUMNS, rows, returning=("key", "id"), ignore_conflicts=True))
        raced = [k for k in missing if k not in found]  # inserted by a concurrent capture meanwhile
        if raced:
            found.update(existing_key_ids(raced))
    return found


def _link_new(rows: list[list[Any]]) -> None:
    """Point new lot keys at their catalogue lot (same GTIN and lot code) when it is registered already.

    Few catalogue lots per GTIN: they are read by GTIN (plain SQL: compiling the queryset cost more than the
    read, on every single-event capture of a new lot; bench/README.md) and matched on lot code here.
    """

    wanted = {(r[3], r[4]) for r in rows if r[1] == "lgtin" and r[3] and r[4]}
    if not wanted:
        return
    sql = (
        f"SELECT l.id, p.gtin, l.lot_code FROM {Lot._meta.db_table} l "
        f"JOIN {Product._meta.db_table} p ON p.id = l.product_id WHERE p.gtin IN ({{marks}})"
    )
    lots = {(g, c): pk for pk, g, c in fetch_in(sql, sorted({g for g, _c in wanted}), chunk=CHUNK) if (g, c) in wanted}
    for r in rows:
        r[7] = lots.get((r[3], r[4]))


def gtin_keys(gtin14: str) -> Q:
    """A filter on `EpcKey` for the keys of one product (GTIN-14): the product class, its lots and items.

    Read on the unique `key` index: every such key is the product's Digital Link on id.gs1.org, alone or
    followed by "/" (`/10/lot`, `/21/serial`), and `gtin = gtin14` keeps exactly the rows that hold the GTIN
    (an unparsed identifier that merely starts the same way has no GTIN).
    """
    prefix = digital_link(GS1Key("gtin", "", gtin14=gtin14))
    if connection.vendor == "postgresql":
        # LIKE 'prefix%' reads the key's varchar_pattern_ops index, right whatever the database collation
        return Q(key__startswith=prefix, gtin=gtin14)
    # SQLite compares text bytewise: the prefix itself and prefix + "/…" all lie in [prefix, prefix + "0")
    return Q(key__gte=prefix, key__lt=prefix + "0", gtin=gtin14)


def link_lot(lot_id: int, gtin: str, lot_code: str) -> int:
    """Link the key of a lot registered after its events arrived (found by its canonical key); returns how
    many keys were linked (0 or 1)."""
    return EpcKey.objects.filter(key=lot_key(gtin, lot_code), kind="lgtin", lot__isnull=True).update(lot_id=lot_id)


_VALUE_COLUMNS = ("event_id", "field", "sub", "text", "number", "time")


def write_values(events: Iterable[tuple[int, list[Value]]]) -> int:
    """Write the `EventValue` rows of new events ((primary key, its values) each, as `events.epcis.values`
    computes them), in the capture's transaction, as `EventEpc` is; returns how many rows were written."""
    rows = [
        (pk, field, sub, text, number, db_datetime(when) if when is not None else None)
        for pk, values in events
        for field, sub, text, number, when in values
    ]
    insert_rows(EventValue._meta.db_table, _VALUE_COLUMNS, rows)
    return len(rows)
