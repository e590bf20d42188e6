"""What an officer reads about a recall's scope: lots, organisations, shipments and the map, by their names.

Used for the preview (a `recalls.scope.Scope` not yet committed) and for a committed `Recall` alike: the rows of
both have the same attribute names (`RecallLot`/`ScopeLot`, `RecallParty`/`ScopeParty`,
`RecallShipment`/`ScopeShipment`). Identifiers (Digital Links, GLNs) go in a secondary `ident` line only; an EPC
URN is never shown. Quantities are summed per unit (`recalls.scope.add_quantity`) and shown with the portal's
unit names and Vietnamese numbers (`core.templatetags.numbers`). The map is data here (`map_data`); the officer
pages draw it with `oversight.svg`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Q
from django.utils.translation import gettext as _

from catalog.choices import QuantityUnit
from catalog.models import Facility, Product
from core.templatetags.numbers import qty
from events.services.recall import parties_by_key
from gs1.identifiers import InvalidIdentifier, key_of, parse_key
from recalls.scope import add_quantity

ROOT, AFFECTED, OUTSIDE, ROUTE = "#b3261e", "#1b6b3a", "#7b4fa0", "#c77d1a"
UNIT_ORDER = {code: i for i, code in enumerate(QuantityUnit.values)}
_GLN = re.compile(r"/(?:414|417)/(\d{13})(?:/|$)")


def gln_of(key: str) -> str:
    """The GLN in a party or location identifier (Digital Link or SGLN URN), or ""."""
    try:
        found = parse_key(key).gln
    except InvalidIdentifier:
        found = None
    if found:
        return found
    m = _GLN.search(key or "")
    return m.group(1) if m else ""


def shown_identifier(key: str) -> str:
    """The identifier as a Digital Link on id.gs1.org (never an EPC URN)."""
    return key_of(key) if key.lower().startswith("urn:epc:") else key


def quantities_text(totals: dict[str, Decimal]) -> str:
    """ "2.000 kg · 150 gói, hộp" in the unit order of the catalogue."""
    return " · ".join(qty(v, u) for u, v in sorted(totals.items(), key=lambda x: UNIT_ORDER.get(x[0], 99)))


def progress_rows(withdrawn: dict[str, Decimal], total: dict[str, Decimal]) -> list[dict[str, Any]]:
    """Per unit: withdrawn / in scope, and the text "2.000 kg / 18.000 kg"."""
    units = sorted(set(withdrawn) | set(total), key=lambda u: UNIT_ORDER.get(u, 99))
    rows = []
    for u in units:
        done, whole = withdrawn.get(u, Decimal(0)), total.get(u)
        rows.append(
            {
                "unit": u,
                "withdrawn": done,
                "total": whole,
                "text": f"{qty(done, u)} / {qty(whole, u) if whole is not None else '—'}",
                "percent": min(100, round(done * 100 / whole)) if whole else None,
            }
        )
    return rows


def _sscc(key: str) -> str:
    m = re.search(r"/00/(\d{18})", key)
    return m.group(1) if m else ""


def lot_rows(lots: Iterable[Any]) -> list[dict[str, Any]]:
    """Rows of the lots in scope: product name and lot code, organisation, quantity, status, identifier."""
    items = list(lots)
    ssccs = {_sscc(i.key) for i in items if i.lot is None} - {""}
    unit_model = apps.get_model("logistics", "LogisticUnit")
    units = {u.sscc: u for u in unit_model.objects.filter(sscc__in=ssccs).select_related("organization")}
    gtins = {i.gtin for i in items if i.lot is None and i.gtin}
    products = {p.gtin: p for p in Product.objects.filter(gtin__in=gtins).select_related("organization")}
    rows = []
    for i in items:
        lot, sscc = i.lot, _sscc(i.key)
        row: dict[str, Any] = {"item": i, "depth": i.depth, "ident": shown_identifier(i.key), "quantity": ""}
        if lot is not None:
            row |= {
                "title": lot.product.name,
                "code": lot.lot_code,
                "organization": lot.product.organization.name,
                "quantity": qty(lot.quantity, lot.unit),
                "status": lot.get_status_display(),
            }
        elif sscc:
            unit = units.get(sscc)
            row |= {
                "title": unit.get_kind_display() if unit else _("Kiện, bao hoặc pallet"),
                "code": f"SSCC {sscc}",
                "organization": unit.organization.name if unit else "",
                "status": _("chưa đăng ký") if unit is None else "",
            }
        else:
            product = products.get(i.gtin)
            row |= {
                "title": product.name if product else _("Sản phẩm chưa đăng ký"),
                "code": i.lot_code,
                "organization": product.organization.name if product else "",
                "status": _("lô chưa đăng ký"),
            }
        rows.append(row)
    return rows


def _party_label(p: Any) -> tuple[str, str]:
    """(name, secondary line) of a party; a partner outside the portal by its GLN."""
    gln = p.gln or gln_of(p.party_key)
    named = p.name and p.name != p.party_key and not re.match(r"(?i)^(https?://|urn:)", p.name)
    name = p.name if (p.organization is not None or named) else _("Đối tác chưa đăng ký trên hệ thống")
    return name, (f"GLN {gln}" if gln else shown_identifier(p.party_key))


def party_rows(parties: Iterable[Any], lots: Iterable[Any], origin_org_id: int | None) -> list[dict[str, Any]]:
    """Rows of the affected parties: name, GLN, the lots of theirs in scope and their quantities per unit."""
    owned: dict[int, list[Any]] = {}
    for i in lots:
        if i.lot is not None:
            owned.setdefault(i.lot.product.organization_id, []).append(i.lot)
    rows = []
    for p in parties:
        name, ident = _party_label(p)
        theirs = owned.get(p.organization.pk, []) if p.organization is not None else []
        totals: dict[str, Decimal] = {}
        for lot in theirs:
            add_quantity(totals, lot.quantity, lot.unit)
        rows.append(
            {
                "party": p,
                "name": name,
                "ident": ident,
                "origin": p.organization is not None and p.organization.pk == origin_org_id,
                "lots": len(theirs),
                "quantities": quantities_text(totals),
                "in_system": p.organization is not None,
                "unit": next(iter(sorted(totals, key=lambda u: UNIT_ORDER.get(u, 99))), ""),  # the form's default
            }
        )
    rows.sort(key=lambda r: (not r["origin"], not r["in_system"], r["name"]))
    return rows


def _names(keys: set[str]) -> dict[str, tuple[str, str]]:
    """{party key: (organisation name, facility name)} of registered places; partners outside by their GLN."""
    found = parties_by_key(keys)
    out = {}
    for key in keys:
        p = found.get(key)
        if p:
            org, place = p.get("organization") or p["name"], p["name"]
            out[key] = (org, place if place != org else "")
        else:
            gln = gln_of(key)
            out[key] = (_("Đối tác chưa đăng ký"), f"GLN {gln}" if gln else shown_identifier(key))
    return out


def shipment_rows(shipments: Sequence[Any], lots: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of the shipments: what (product and lot, or the unit), from whom to whom, received or on the way."""
    by_key = {row["item"].key: row for row in lots}
    names = _names({k for s in shipments for k in (s.source, s.destination) if k})
    rows = []
    for s in shipments:
        key = key_of(s.epc)
        lot = by_key.get(key)
        rows.append(
            {
                "what": f"{lot['title']} — {lot['code']}" if lot else _("Hàng chưa đăng ký"),
                "source": names.get(s.source, ("—", "")),
                "destination": names.get(s.destination, ("—", "")),
                "received": bool(s.receive_event_id),
                "ident": shown_identifier(key),
            }
        )
    return rows


def map_data(
    parties: Iterable[Any], shipments: Sequence[Any], origin_org_id: int | None, outside: set[int]
) -> dict[str, Any]:
    """What the map draws (`core.charts.point_map` keywords): each affected organisation's places labelled with
    its name (and the place's name under it), shipments as lines between places, a legend."""
    parties = list(parties)
    org_ids = {p.organization.pk for p in parties if p.organization is not None}
    glns = {g for p in parties if (g := p.gln or gln_of(p.party_key))}
    glns |= {g for s in shipments for k in (s.source, s.destination) if (g := gln_of(k))}
    facilities = (
        Facility.objects.filter(Q(organization_id__in=org_ids) | Q(gln__in=glns))
        .exclude(latitude=None)
        .exclude(longitude=None)
        .select_related("organization")
        .order_by("organization__name", "name")[:300]
    )
    points, at = [], {}
    for f in facilities:
        lat, lon = float(f.latitude), float(f.longitude)  # type: ignore[arg-type]
        at[f.gln] = (lat, lon)
        colour = ROOT if f.organization_id == origin_org_id else OUTSIDE if f.organization_id in outside else AFFECTED
        org = f.organization.name
        points.append(
            {"lat": lat, "lon": lon, "label": org, "sublabel": f.name if f.name != org else "", "colour": colour}
        )
    lines = []
    for s in shipments:
        a, b = at.get(gln_of(s.source)), at.get(gln_of(s.destination))
        if a and b and a != b and (a, b) not in lines:
            lines.append((a, b))
    legend = [(ROOT, _("Tổ chức có lô gốc"), "point"), (AFFECTED, _("Bên nhận hàng, lô hạ nguồn"), "point")]
    if outside:
        legend.append((OUTSIDE, _("Ngoài địa bàn (báo cơ quan tỉnh khác)"), "point"))
    legend.append((ROUTE, _("Chuyến hàng"), "line"))
    return {"points": points, "lines": lines, "legend": legend}


def describe(
    lots: Sequence[Any], parties: Sequence[Any], shipments: Sequence[Any], origin_org_id: int | None
) -> dict[str, Any]:
    """Everything the scope tables and the map need, for a preview or a committed recall."""
    lot_list = lot_rows(lots)
    totals: dict[str, Decimal] = {}
    for i in lots:
        if i.lot is not None:
            add_quantity(totals, i.lot.quantity, i.lot.unit)
    outside = {i.lot.product.organization_id for i in lots if i.lot is not None and i.outside_jurisdiction}
    return {
        "lot_rows": lot_list,
        "party_rows": party_rows(parties, lots, origin_org_id),
        "shipment_rows": shipment_rows(shipments, lot_list),
        "totals": quantities_text(totals),
        "total_by_unit": totals,
        "organizations": len({p.organization.pk for p in parties if p.organization is not None}),
        "outside": len(outside),
        "map": map_data(parties, shipments, origin_org_id, outside),
    }
