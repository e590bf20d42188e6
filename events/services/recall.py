"""Recall scope: every lot and party downstream of some root lots, with the shipments that carried them.

For the agency's recall workflow: it sees everything (no visibility filter), reads only index rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from catalog.models import Facility, Organization
from events.epcis import InvalidIdentifier, key_of, parse_key
from events.graph import walk
from events.models import EpcKey
from events.trace import key_rows, node


@dataclass
class RecallScope:
    """`lots`: node dicts (key, kind, gtin, lot, epc, digital_link, depth) of the roots and all downstream;
    `shipments`: {epc, source, destination, ship_event_id, receive_event_id} of those lots;
    `parties`: {key, gln, name, tax_code, kind} of every shipper, receiver and capturing organisation;
    `unknown_roots`: root identifiers no event mentions."""

    roots: list[str]
    lots: list[dict[str, Any]] = field(default_factory=list)
    shipments: list[dict[str, Any]] = field(default_factory=list)
    parties: list[dict[str, Any]] = field(default_factory=list)
    unknown_roots: list[str] = field(default_factory=list)


def _fetch(sql: str, ids: list[int]) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for i in range(0, len(ids), 5000):
            chunk = ids[i : i + 5000]
            cursor.execute(sql.format(marks=",".join(["%s"] * len(chunk))), chunk)
            out.extend(cursor.fetchall())
    return out


def recall_scope(root_lot_keys: Iterable[str], *, max_depth: int | None = None) -> RecallScope:
    """All lots downstream of `root_lot_keys` (EPC URNs or Digital Links), their shipments and parties."""
    roots = [key_of(k.strip()) for k in root_lot_keys]
    known = dict(EpcKey.objects.filter(key__in=roots).values_list("key", "pk"))
    scope = RecallScope(roots=roots, unknown_roots=[r for r in roots if r not in known])
    if not known:
        return scope
    depths, _edges = walk(list(known.values()), True, max_depth)
    ids = list(depths)
    rows = key_rows(ids)
    scope.lots = [node(rows[k], d) for k, d in depths.items()]
    ident = {pk: (r[3] or r[1]) for pk, r in rows.items()}
    shipments = _fetch(
        "SELECT s.key_id, s.source, s.destination, se.event_id, re.event_id, s.organization_id_denorm "
        "FROM events_shipment s LEFT JOIN events_event se ON se.id = s.ship_event_id "
        "LEFT JOIN events_event re ON re.id = s.receive_event_id WHERE s.key_id IN ({marks})",
        ids,
    )
    party_keys: set[str] = set()
    org_ids: set[int] = set()
    for key_id, source, destination, ship_id, receive_id, org in shipments:
        scope.shipments.append(
            {
                "epc": ident[key_id],
                "source": source or None,
                "destination": destination or None,
                "ship_event_id": ship_id,
                "receive_event_id": receive_id,
            }
        )
        party_keys.update(p for p in (source, destination) if p)
        if org is not None:
            org_ids.add(org)
    org_ids.update(
        o
        for (o,) in _fetch(
            "SELECT DISTINCT e.organization_id FROM events_eventepc x JOIN events_event e ON e.id = x.event_id "
            "WHERE x.key_id IN ({marks}) AND e.organization_id IS NOT NULL",
            ids,
        )
    )
    scope.parties = _parties(party_keys, org_ids)
    return scope


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
    for org in Organization.objects.filter(pk__in=org_ids):
        key = f"org:{org.tax_code}"
        if not any(p["tax_code"] == org.tax_code for p in out.values()):
            out[key] = {
                "key": key,
                "gln": org.gln,
                "name": org.name,
                "tax_code": org.tax_code,
                "organization": org.name,
            }
    return list(out.values())


def party_names(keys: set[str]) -> dict[str, str]:
    """Display names of party keys (GLN Digital Links) registered as facilities or organisations."""
    return {p["key"]: f"{p['name']} ({p['key'].rsplit('/', 1)[-1]})" for p in _parties(keys, set()) if p["name"]}
