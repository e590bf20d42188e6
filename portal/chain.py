"""The chain timeline of a lot, drawn from the EPCIS trace: each step says what, who, where and when."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _

from catalog.models import Facility, Lot, Organization
from catalog.selectors import digital_link
from core.errors import NotFound
from events.models import Event, EventEpc
from events.trace import trace
from gs1.identifiers import InvalidIdentifier, parse_key

BIZ_STEPS = {
    "commissioning": _("Thu hoạch, khởi tạo"),
    "harvesting": _("Thu hoạch"),
    "receiving": _("Nhận hàng"),
    "shipping": _("Xuất hàng, vận chuyển"),
    "packing": _("Đóng gói"),
    "unpacking": _("Mở gói"),
    "storing": _("Lưu kho"),
    "transforming": _("Chế biến"),
    "processing": _("Chế biến"),
    "inspecting": _("Kiểm tra"),
    "sampling": _("Lấy mẫu kiểm nghiệm"),
    "retail_selling": _("Bán lẻ"),
    "stocking": _("Lên kệ"),
    "accepting": _("Chấp nhận hàng"),
    "loading": _("Xếp hàng lên xe"),
    "arriving": _("Đến nơi"),
    "departing": _("Rời đi"),
    "holding": _("Tạm giữ"),
    "destroying": _("Tiêu huỷ"),
    "recalling": _("Thu hồi"),
    "drying": _("Phơi, sấy"),
    "roasting": _("Rang"),
    "grinding": _("Xay"),
    "sorting": _("Phân loại"),
    "fertilizing": _("Bón phân"),
    "spraying": _("Phun thuốc bảo vệ thực vật"),
}
CONSUMED = _("Đưa vào chế biến thành sản phẩm khác")
INPUT_ROLES = {3, 6}  # events.choices.EpcRole.INPUT, INPUT_CLASS
_GLN_IN = re.compile(r"(?:sgln:|/414/)(\d{7,12})\.?(\d*)\.?|/414/(\d{13})")


def _short(biz_step: str) -> str:
    return biz_step.rsplit("/", 1)[-1].rsplit(":", 1)[-1].removeprefix("BizStep-")


def step_name(biz_step: str, event_type: str = "") -> str:
    """What a step was, for the consumer. A transformation that commissions its outputs made them from inputs:
    it is processing (roasting, milling…), not a harvest."""
    short = _short(biz_step)
    if event_type == "TransformationEvent" and short in ("", "commissioning"):
        short = "transforming"
    return str(BIZ_STEPS.get(short, short.replace("_", " ") or event_type))


def _gln(location: str) -> str | None:
    """The 13-digit GLN of a place: an SGLN URN or a /414/ Digital Link (on any host, with or without extension)."""
    try:
        key = parse_key(location)
    except InvalidIdentifier:
        return None
    return key.gln if key.kind == "sgln" else None


def timeline(lot: Lot) -> list[dict[str, Any]]:
    """Steps from growing area to shop (the lot and its inputs), oldest first; empty without EPCIS events."""
    try:
        # Backward: how this lot came to be (its inputs and its own steps), not what was later made from it.
        result = trace(digital_link(lot.product.gtin, lot.lot_code), direction="backward")
    except (NotFound, ValueError):
        return []
    events = list(
        Event.objects.filter(pk__in=result.event_pks[:200]).select_related("organization").order_by("event_time", "pk")
    )
    # An event that mentions the traced lots only as inputs consumed them (one step forward, TCVN 12850):
    # say so rather than naming its own step (a transformation's commissioning is the new lot's harvest).
    keys = [n["key"] for n in result.lots]
    roles: dict[int, set[int]] = {}
    for event_pk, role in EventEpc.objects.filter(event_id__in=[e.pk for e in events], key__key__in=keys).values_list(
        "event_id", "role"
    ):
        roles.setdefault(event_pk, set()).add(role)
    consumed = {pk for pk, found in roles.items() if found <= INPUT_ROLES}
    glns = {g for e in events for g in (_gln(e.biz_location), _gln(e.read_point)) if g}
    facilities = {f.gln: f for f in Facility.objects.filter(gln__in=glns).select_related("organization")}
    unmatched = glns - facilities.keys()
    orgs = {o.gln: o for o in Organization.objects.filter(gln__in=unmatched)} if unmatched else {}
    steps = []
    for event in events:
        gln = _gln(event.biz_location) or _gln(event.read_point)
        facility = facilities.get(gln or "")
        who = event.organization or (facility.organization if facility else orgs.get(gln or ""))
        steps.append(
            {
                "event_id": event.event_id,
                "what": str(CONSUMED) if event.pk in consumed else step_name(event.biz_step, event.type),
                "consumed": event.pk in consumed,
                "biz_step": event.biz_step,
                "who": who.name if who else "",
                "where": facility.name if facility else (orgs[gln].name if gln in orgs else gln or ""),
                "where_address": facility.full_address if facility else "",
                "when": event.event_time,
                "latitude": float(facility.latitude) if facility and facility.latitude is not None else None,
                "longitude": float(facility.longitude) if facility and facility.longitude is not None else None,
            }
        )
    return steps
