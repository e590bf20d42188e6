"""Recall scope: every lot and party downstream of some root lots, with the shipments that carried them.

For the agency's recall workflow: it sees everything (no visibility filter), reads only index rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import Any

from catalog.models import Facility, Organization
from events.graph import fetch_in, reach
from events.models import EpcKey
from events.trace import key_rows, lot_nodes
from gs1.identifiers import InvalidIdentifier, key_of, parse_key


def downstream(roots: list[int], max_depth: int | None = None) -> dict[int, int]:
    """{key id: depth} of `roots` (depth 0) and everything downstream (shortest number of steps)."""
    return reach(roots, True, max_depth)


# eventIDs by scalar subqueries, a primary-key lookup per shipment on both databases: reading each distinct
# event once (as `trace` does for its few hundred) made PostgreSQL's full recall read ~0.5 s slower (tens of
# thousands of events in one array); PostgreSQL would otherwise merge-join the whole events table
SHIPMENTS = (
    "SELECT s.key_id, s.source, s.destination, "
    "(SELECT e.event_id FROM events_event e WHERE e.id = s.ship_event_id), "
    "(SELECT e.event_id FROM events_event e WHERE e.id = s.receive_event_id), s.organization_id_denorm "
    "FROM events_shipment s WHERE s.key_id IN ({marks})"
)


class RecallScope:
    """The downstream part of the genealogy from some root lots; rows are read when first asked for.

    `lots`: node dicts (key, kind, gtin, lot, epc, digital_link, depth) of the roots and all downstream;
    `shipments`: {epc, source, destination, ship_event_id, receive_event_id} of those lots;
    `parties`: {key, gln, name, tax_code, organization} of every shipper, receiver and capturing organisation;
    `unknown_roots`: root identifiers no event mentions; `depths`: {EpcKey id: depth}.
    """

    def __init__(self, roots: list[str], depths: dict[int, int] | None = None, unknown_roots: list[str] | None = None):
        self.roots = roots
        self.depths = depths or {}
        self.unknown_roots = unknown_roots or []

    @cached_property
    def _rows(self) -> dict[int, tuple[int, str, str, str, str, str, str]]:
        return key_rows(list(self.depths))

    @cached_property
    def lots(self) -> list[dict[str, Any]]:
        return lot_nodes(self._rows, self.depths.items())

    @cached_property
    def _shipment_rows(self) -> list[tuple[Any, ...]]:
        return _fetch(SHIPMENTS, list(self.depths))

    @cached_property
    def shipments(self) -> list[dict[str, Any]]:
        rows = self._rows
        ident = {pk: (r[3] or r[1]) for pk, r in rows.items()}
        return [
            {
                "epc": ident[key_id],
                "source": source or None,
                "destination": destination or None,
                "ship_event_id": ship_id,
                "receive_event_id": receive_id,
            }
            for key_id, source, destination, ship_id, receive_id, _org in self._shipment_rows
        ]

    @cached_property
    def parties(self) -> list[dict[str, Any]]:
        rows = self._shipment_rows
        party_keys: set[str] = {row[1] for row in rows if row[1]} | {row[2] for row in rows if row[2]}
        org_ids: set[int] = {row[5] for row in rows if row[5] is not None}
        org_ids.update(
            o
            for (o,) in _fetch(
                "SELECT DISTINCT e.organization_id FROM events_eventepc x JOIN events_event e ON e.id = x.event_id "
                "WHERE x.key_id IN ({marks}) AND e.organization_id IS NOT NULL",
                list(self.depths),
            )
        )
        return _parties(party_keys, org_ids)


def _fetch(sql: str, ids: list[int]) -> list[tuple[Any, ...]]:
    return fetch_in(sql, ids, 5000)


def recall_scope(root_lot_keys: Iterable[str], *, max_depth: int | None = None) -> RecallScope:
    """All lots downstream of `root_lot_keys` (EPC URNs or Digital Links), their shipments and parties.

    The walk runs at once (one index read per level); lots, shipments and parties are read when first used.
    """
    roots = [key_of(k.strip()) for k in root_lot_keys]
    known = dict(EpcKey.objects.filter(key__in=roots).values_list("key", "pk"))
    unknown = [r for r in roots if r not in known]
    if not known:
        return RecallScope(roots, {}, unknown)
    return RecallScope(roots, downstream(list(known.values()), max_depth), unknown)


def _gln(key: str) -> str | None:
    try:
        return parse_key(key).gln
    except InvalidIdentifier:
        return None


def _parties(party_keys: set[str], org_ids: set[int]) -> list[dict[str, Any]]:
    glns = {k: g for k in party_keys if (g := _gln(k))}
    orgs_by_gln = {o.gln: o for o in Organization.objects.filter(gln__in=list(glns.values()))}
    facilities = {f.gln: f for f in Facility.objects.filter(gln__in=list(glns.values())).select_related("organization")}
    out: dict[str, dict[str, Any]] = {}
    for key in sorted(party_keys):
        gln = glns.get(key)
        org = orgs_by_gln.get(gln) if gln else None
        facility = facilities.get(gln) if gln else None
        owner = org or (facility.organization if facility else None)
        out[key] = {
            "key": key,
            "gln": gln,
            "name": facility.name if facility else (org.name if org else None),
            "tax_code": owner.tax_code if owner else None,
            "organization": owner.name if owner else None,
        }
    tax_codes = {p["tax_code"] for p in out.values()}
    for org in Organization.objects.filter(pk__in=org_ids):
        key = f"org:{org.tax_code}"
        if org.tax_code not in tax_codes:
            tax_codes.add(org.tax_code)
            out[key] = {
                "key": key,
                "gln": org.gln,
                "name": org.name,
                "tax_code": org.tax_code,
                "organization": org.name,
            }
    return list(out.values())


def parties_by_key(keys: set[str]) -> dict[str, dict[str, Any]]:
    """{party key: {key, gln, name, tax_code, organization}} of the keys registered as facilities or organisations
    (GLN Digital Links or SGLN URNs); keys nobody registered are left out."""
    return {p["key"]: p for p in _parties(keys, set()) if p["name"]}


def party_names(keys: set[str]) -> dict[str, str]:
    """Display names of party keys (GLN Digital Links) registered as facilities or organisations."""
    return {p["key"]: f"{p['name']} ({p['key'].rsplit('/', 1)[-1]})" for p in _parties(keys, set()) if p["name"]}
