"""The chain timeline of a lot, drawn from the EPCIS trace: each step says what, who, where and when."""

from __future__ import annotations

import re
from typing import Any

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from catalog.models import Facility, Lot, Organization
from catalog.selectors import digital_link

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
_GLN_IN = re.compile(r"(?:sgln:|/414/)(\d{7,12})\.?(\d*)\.?|/414/(\d{13})")


def step_name(biz_step: str) -> str:
    short = biz_step.rsplit("/", 1)[-1].rsplit(":", 1)[-1].removeprefix("BizStep-")
    return str(BIZ_STEPS.get(short, short.replace("_", " ")))


def _gln(location: str) -> str | None:
    """The 13-digit GLN in an SGLN URN or a /414/ Digital Link."""
    if "/414/" in location:
        return location.split("/414/")[1][:13]
    if location.startswith("urn:epc:id:sgln:"):
        company, ref, _ext = ([*location.split(":")[-1].split("."), "", ""])[:3]
        body = company + ref
        if len(body) == 12 and body.isdigit():
            from biip.checksums import gs1_standard_check_digit

            return body + str(gs1_standard_check_digit(body))
    return None


def timeline(lot: Lot) -> list[dict[str, Any]]:
    """Steps from growing area to shop, oldest first; empty when no EPCIS events mention the lot."""
    if not apps.is_installed("events"):
        return []
    try:
        from events.models import Event
        from events.trace import trace
    except ImportError:
        return []
    from core.errors import NotFound

    try:
        result = trace(digital_link(lot.product.gtin, lot.lot_code), direction="both")
    except (NotFound, ValueError):
        return []
    events = list(
        Event.objects.filter(pk__in=result.event_pks[:200]).select_related("organization").order_by("event_time", "pk")
    )
    glns = {g for e in events for g in (_gln(e.biz_location), _gln(e.read_point)) if g}
    facilities = {f.gln: f for f in Facility.objects.filter(gln__in=glns).select_related("organization")}
    orgs = {o.gln: o for o in Organization.objects.filter(gln__in=glns)}
    steps = []
    for event in events:
        gln = _gln(event.biz_location) or _gln(event.read_point)
        facility = facilities.get(gln or "")
        who = event.organization or (facility.organization if facility else orgs.get(gln or ""))
        steps.append(
            {
                "event_id": event.event_id,
                "what": step_name(event.biz_step) if event.biz_step else event.type,
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
