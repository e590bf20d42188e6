"""A recall's scope before it is committed: the root lots, every lot downstream, the parties and shipments.

`build_scope(actor, lot=…|facility=…|lab_test=…)` walks the EPCIS genealogy (`events.services.recall_scope`) and
matches the catalogue; the officer's preview page shows it, and `recalls.services.start_recall` builds it again
inside its transaction and writes exactly what it holds. `Scope.digest` is a hash of what the preview showed
(lots with their quantities, parties, shipments): the commit carries the digest it previewed and is refused with
`ScopeChanged` (holding the new scope) when the genealogy or the catalogue changed in between.

Quantities are added per unit (`add_quantity`): tonnes and grams become kilograms and cubic metres litres,
anything else (pieces, packages, heads) is kept apart; never kilograms plus bags.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.permissions import Actor, require
from catalog.choices import LotStatus, QuantityUnit
from catalog.models import Facility, Lot, Organization
from events.services import recall_scope
from gs1.canonical import canonical_bytes
from gs1.identifiers import lot_key as gs1_lot_key
from quality.models import LabTest
from quality.services import lots_to_hold
from recalls.choices import RecallOrigin

# unit code -> (the unit it is counted in, factor)
BASE_UNITS: dict[str, tuple[str, Decimal]] = {
    QuantityUnit.TONNE: (QuantityUnit.KG, Decimal(1000)),
    QuantityUnit.GRAM: (QuantityUnit.KG, Decimal("0.001")),
    QuantityUnit.CUBIC_METRE: (QuantityUnit.LITRE, Decimal(1000)),
}


def add_quantity(totals: dict[str, Decimal], quantity: Decimal | None, unit: str) -> None:
    """Add `quantity` of `unit` to `totals` ({unit code: sum}) in the unit it is counted in."""
    if quantity is None:
        return
    base, factor = BASE_UNITS.get(unit or QuantityUnit.KG, (unit or QuantityUnit.KG, Decimal(1)))
    totals[base] = totals.get(base, Decimal(0)) + Decimal(quantity) * factor


class ScopeChanged(Exception):
    """The scope differs from the one the officer previewed; `scope` is the new one to show."""

    def __init__(self, scope: Scope):
        super().__init__("recall scope changed since the preview")
        self.scope = scope


def lot_key(lot: Lot) -> str:
    """The canonical identifier key of a catalogue lot (the LGTIN Digital Link on id.gs1.org)."""
    return gs1_lot_key(lot.product.gtin, lot.lot_code)


@dataclass
class ScopeLot:
    """A lot (or logistic unit) in the scope; the attribute names are those of `RecallLot`."""

    key: str
    kind: str
    depth: int
    gtin: str
    lot_code: str
    lot: Lot | None
    outside_jurisdiction: bool

    @property
    def organization(self) -> Organization | None:
        return self.lot.product.organization if self.lot else None


@dataclass
class ScopeParty:
    """An organisation or a trading partner outside the portal affected by the recall (as `RecallParty`)."""

    ident: str  # "org:<pk>" or the party's identifier
    organization: Organization | None
    party_key: str
    name: str
    gln: str


@dataclass
class ScopeShipment:
    epc: str
    source: str
    destination: str
    ship_event_id: str
    receive_event_id: str


@dataclass
class Scope:
    origin: str
    origin_org: Organization
    roots: list[Lot]
    lots: list[ScopeLot] = field(default_factory=list)
    parties: list[ScopeParty] = field(default_factory=list)
    shipments: list[ScopeShipment] = field(default_factory=list)
    unknown_roots: list[str] = field(default_factory=list)

    @property
    def recalled(self) -> list[Lot]:
        """The catalogue lots the recall sets to 'recalled' (in the officer's jurisdiction)."""
        return [s.lot for s in self.lots if s.lot is not None and not s.outside_jurisdiction]

    @cached_property
    def digest(self) -> str:
        """SHA-256 of what the preview shows: roots, lots with quantity and unit, parties, shipments."""
        payload = {
            "origin": self.origin,
            "roots": sorted(lot_key(r) for r in self.roots),
            "lots": sorted(
                [
                    s.key,
                    s.depth,
                    s.lot.pk if s.lot else None,
                    f"{Decimal(s.lot.quantity).normalize():f}" if s.lot else "",  # 18000 == 18000.000
                    s.lot.unit if s.lot else "",
                    s.outside_jurisdiction,
                ]
                for s in self.lots
            ),
            "parties": sorted(p.ident for p in self.parties),
            "shipments": sorted([s.epc, s.source, s.destination] for s in self.shipments),
        }
        return hashlib.sha256(canonical_bytes(payload)).hexdigest()


def origin_organization(*, lot: Lot | None, facility: Facility | None, lab_test: LabTest | None) -> Organization:
    given = [x for x in (lot, facility, lab_test) if x is not None]
    if len(given) != 1:
        raise ValidationError(_("Chọn đúng một điểm khởi đầu: một lô, một cơ sở hoặc một kết quả kiểm nghiệm."))
    if lot is not None:
        return lot.product.organization
    if facility is not None:
        return facility.organization
    assert lab_test is not None
    return lab_test.organization


def root_lots(*, lot: Lot | None, facility: Facility | None, lab_test: LabTest | None) -> tuple[str, list[Lot]]:
    """The origin and the root lots of a recall started from a lot, a facility or a failed test result."""
    origin_organization(lot=lot, facility=facility, lab_test=lab_test)  # exactly one given
    if lot is not None:
        return RecallOrigin.LOT, [lot]
    if facility is not None:
        lots = Lot.objects.filter(Q(origin_areas__facility=facility) | Q(lab_tests__facility=facility)).exclude(
            status=LotStatus.RECALLED
        )
        return RecallOrigin.FACILITY, list(lots.distinct().select_related("product__organization").order_by("pk"))
    assert lab_test is not None
    if lab_test.passed:
        raise ValidationError(_("Kết quả này đạt: không có căn cứ thu hồi."))
    return RecallOrigin.LAB_TEST, lots_to_hold(lab_test)


def _catalog_lots(nodes: list[dict[str, Any]]) -> dict[tuple[str, str], Lot]:
    pairs = {(n["gtin"], n["lot"]) for n in nodes if n.get("gtin") and n.get("lot")}
    found: dict[tuple[str, str], Lot] = {}
    items = sorted(pairs)
    for i in range(0, len(items), 500):
        query = Q()
        for gtin, code in items[i : i + 500]:
            query |= Q(product__gtin=gtin, lot_code=code)
        for lot in Lot.objects.filter(query).select_related("product__organization"):
            found[(lot.product.gtin, lot.lot_code)] = lot
    return found


def build_scope(
    actor: Actor, *, lot: Lot | None = None, facility: Facility | None = None, lab_test: LabTest | None = None
) -> Scope:
    """The scope of a recall the actor (an officer of the origin's province) would start from this origin.

    Raises Forbidden for anyone else, ValidationError when the origin is not exactly one or yields no lot.
    """
    origin_org = origin_organization(lot=lot, facility=facility, lab_test=lab_test)
    require(permissions.is_officer_for(actor, origin_org))
    origin, roots = root_lots(lot=lot, facility=facility, lab_test=lab_test)
    if not roots:
        raise ValidationError(_("Không tìm thấy lô nào để thu hồi từ điểm khởi đầu này."))
    root_keys = {lot_key(r): r for r in roots}
    walked = recall_scope(list(root_keys))
    nodes = list(walked.lots)
    seen = {n["key"] for n in nodes}
    for key, root in root_keys.items():  # roots no event mentions are still recalled
        if key not in seen:
            nodes.append({"key": key, "kind": "lgtin", "gtin": root.product.gtin, "lot": root.lot_code, "depth": 0})
    catalog = _catalog_lots(nodes) | {(r.product.gtin, r.lot_code): r for r in roots}
    scope = Scope(origin=origin, origin_org=origin_org, roots=roots, unknown_roots=walked.unknown_roots)
    affected: dict[int, Organization] = {}
    for n in sorted(nodes, key=lambda n: (n.get("depth", 0), n["key"])):
        match = catalog.get((n.get("gtin") or "", n.get("lot") or ""))
        outside = match is not None and not permissions.is_officer_for(actor, match.product.organization)
        scope.lots.append(
            ScopeLot(
                key=n["key"][:1000],
                kind=n.get("kind") or "",
                depth=n.get("depth", 0),
                gtin=n.get("gtin") or "",
                lot_code=(n.get("lot") or "")[:80],
                lot=match,
                outside_jurisdiction=outside,
            )
        )
        if match is not None:
            affected[match.product.organization_id] = match.product.organization
    scope.shipments = [
        ScopeShipment(
            epc=s["epc"][:1000],
            source=(s.get("source") or "")[:1000],
            destination=(s.get("destination") or "")[:1000],
            ship_event_id=(s.get("ship_event_id") or "")[:1000],
            receive_event_id=(s.get("receive_event_id") or "")[:1000],
        )
        for s in walked.shipments
    ]
    scope.parties = _parties(walked.parties, affected)
    return scope


def _parties(found: list[dict[str, Any]], affected: dict[int, Organization]) -> list[ScopeParty]:
    """One party per organisation (by tax code) or per unregistered partner, then the owners of affected lots."""
    tax_codes = [p["tax_code"] for p in found if p.get("tax_code")]
    by_tax = {o.tax_code: o for o in Organization.objects.filter(tax_code__in=tax_codes)}
    parties: dict[str, ScopeParty] = {}
    for p in found:
        org = by_tax.get(p.get("tax_code") or "")
        ident = f"org:{org.pk}" if org else p["key"]
        if ident not in parties:
            parties[ident] = ScopeParty(
                ident=ident,
                organization=org,
                party_key=p["key"][:1000],
                name=(p.get("organization") or p.get("name") or p["key"])[:255],
                gln=p.get("gln") or "",
            )
    for org in affected.values():
        ident = f"org:{org.pk}"
        if ident not in parties:
            parties[ident] = ScopeParty(ident=ident, organization=org, party_key="", name=org.name, gln=org.gln or "")
    return list(parties.values())
