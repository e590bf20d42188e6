"""Harvest: one lot from one or more growing areas, with its diary entries and commissioning events."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Actor, can_write, require
from catalog.choices import CertificateKind, QuantityUnit
from catalog.models import GrowingArea, Lot, Organization, Product
from catalog.services import create_lot
from core import audit
from core.choices import AuditAction
from diary import epcis
from diary.choices import Activity, EntrySource
from diary.models import DiaryEntry
from diary.services import create_harvest_entry, parse_when
from events.services.keys import link_lot
from logistics.models import LotClaim
from logistics.services import yields
from logistics.services.common import err, positive


def next_lot_code(product: Product, day: Any, prefix: str = "TH") -> str:
    """`TH<yymmdd>-<n>`: the first free lot code of that day for the product."""
    base = f"{prefix}{day:%y%m%d}"
    taken = set(Lot.objects.filter(product=product, lot_code__startswith=base).values_list("lot_code", flat=True))
    n = 1
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _areas(organization: Organization, data: dict[str, Any]) -> list[tuple[GrowingArea, Decimal]]:
    rows = data.get("areas")
    if not rows:
        rows = [{"growing_area": data.get("growing_area"), "quantity": data.get("quantity")}]
    out: list[tuple[GrowingArea, Decimal]] = []
    for row in rows:
        area = row.get("growing_area")
        if not isinstance(area, GrowingArea):
            area = GrowingArea.objects.filter(organization=organization, pk=area).first() if area else None
        if area is None or area.organization_id != organization.pk:
            raise err("growing_area", _("Chọn vùng trồng của tổ chức."))
        if any(a.pk == area.pk for a, _q in out):
            raise err("growing_area", _("Mỗi vùng trồng chỉ ghi một lần."))
        out.append((area, positive("quantity", row.get("quantity"))))
    return out


def _claims(data: dict[str, Any]) -> list[str]:
    claims = [str(c) for c in data.get("claims") or [] if c]
    bad = [c for c in claims if c not in CertificateKind.values]
    if bad:
        raise err("claims", _("Loại chứng nhận không hợp lệ: %(kinds)s.") % {"kinds": ", ".join(bad)})
    return sorted(set(claims))


def set_claims(lot: Lot, kinds: list[str]) -> None:
    LotClaim.objects.filter(lot=lot).exclude(kind__in=kinds).delete()
    for kind in kinds:
        LotClaim.objects.get_or_create(lot=lot, kind=kind)


@transaction.atomic
def harvest(*, actor: Actor, organization: Organization, data: dict[str, Any], source: str = EntrySource.WEB) -> Lot:
    """Harvest into a new draft lot of one of the organisation's products.

    `data`: product (Product or id), growing_area + quantity or areas=[{growing_area, quantity}], unit,
    harvested_at, optional lot_code (else `TH<yymmdd>-<n>`), claims (certificate kinds claimed, e.g.
    ["organic"]), client_id (a phone's UUID: sending it again returns the same lot), confirm_yield (the farmer
    confirms a quantity beyond the area's plausible yield: stored, and flagged for the agency).
    Each area's share becomes a diary entry and an EPCIS ObjectEvent ADD `commissioning` of the LGTIN.
    """
    require(can_write(actor, organization))
    client_id = data.get("client_id")
    if client_id:
        try:
            client_id = uuid.UUID(str(client_id))
        except ValueError:
            raise err("client_id", _("Mã phía máy khách phải là UUID.")) from None
        done = DiaryEntry.objects.filter(client_id=client_id, organization=organization, lot__isnull=False).first()
        if done is not None and done.lot is not None:
            return done.lot
    product = data.get("product")
    if not isinstance(product, Product):
        product = Product.objects.filter(organization=organization, pk=product).first() if product else None
    if product is None or product.organization_id != organization.pk:
        raise err("product", _("Chọn sản phẩm của tổ chức."))
    areas = _areas(organization, data)
    when = parse_when(data.get("harvested_at") or timezone.now())
    if when > timezone.now() + dt.timedelta(minutes=15):
        raise err("harvested_at", _("Ngày thu hoạch không được ở tương lai."))
    day = timezone.localtime(when).date()
    unit = str(data.get("unit") or QuantityUnit.KG)
    if unit not in QuantityUnit.values:
        raise err("unit", _("Đơn vị không hợp lệ."))
    claims = _claims(data)
    beyond = yields.excesses(areas, unit, when)
    yields.require_confirmation(beyond, data.get("confirm_yield"))
    total = sum((q for _a, q in areas), Decimal(0))
    code = str(data.get("lot_code") or "").strip() or next_lot_code(product, day)
    lot = create_lot(
        actor=actor,
        product=product,
        data={"lot_code": code, "production_date": day, "quantity": total, "unit": unit},
        origin_areas=[a for a, _q in areas],
    )
    link_lot(lot.pk, product.gtin, lot.lot_code)  # events that named the lot before it was registered
    set_claims(lot, claims)
    yields.flag(actor=actor, lot=lot, found=beyond)
    events = []
    for i, (area, amount) in enumerate(areas):
        event = epcis.base_event("ObjectEvent", when)
        location = {"id": epcis.area_location(area)}
        event.update(
            {
                "epcList": [],
                "action": "ADD",
                "bizStep": "commissioning",
                "disposition": "active",
                "readPoint": location,
                "bizLocation": location,
                "quantityList": [{"epcClass": epcis.lot_epc(lot), "quantity": float(amount), "uom": unit}],
                "txd:activity": Activity.HARVESTING.value,
                "txd:growingArea": area.code,
            }
        )
        events.append(event)
        create_harvest_entry(
            actor=actor,
            organization=organization,
            area=area,
            lot=lot,
            quantity=amount,
            unit=unit,
            when=when,
            event_id=event["eventID"],
            note=str(data.get("note") or "")[:4000],
            client_id=client_id if (i == 0 and client_id) else None,
            source=source,
        )
    epcis.capture(actor=actor, organization=organization, events=events, source="harvest")
    return lot


@transaction.atomic
def update_claims(*, actor: Actor, lot: Lot, claims: list[str]) -> Lot:
    """Change the certificates a draft lot claims (the rules then re-check it)."""
    require(can_write(actor, lot.product.organization))
    if lot.status != "draft":
        raise ValidationError(_("Chỉ sửa được lô đang ở trạng thái nháp."))
    set_claims(lot, _claims({"claims": claims}))
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=lot,
        after={"claims": sorted(claims)},
        organization_id=lot.product.organization_id,
    )
    return lot
