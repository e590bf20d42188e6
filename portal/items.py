"""Item pages (`/01/<gtin>/21/<serial>`): the stamp's lot story plus counterfeit signals and the check code.

A serial the portal never issued under a known lot (or product) falls back to that lot (or product), as a resolver
walks up the qualifier path (GS1-Conformant resolver standard): 200 with the lot's story, the warning that the
serial was not issued, and a note saying what is shown (`fallback` in the JSON). A HEAD request or a request for
links (`linkType`, the linkset) is not a consumer's scan and records none.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.lockout import client_ip
from catalog import selectors as catalog
from core.head import is_head
from gs1.digital_link import DigitalLink, InvalidLink, parse_path
from portal import linkset
from portal.selectors import json_ready
from portal.story import cached_story, page_context
from stamps import selectors as stamps
from stamps import services as stamp_services
from stamps.choices import BatchStatus
from stamps.services.scans import location_token


def client_address(request: HttpRequest) -> str:
    """The consumer's network address: the sign-in limits' rule (`TRUYXUAT_TRUSTED_PROXIES` from the right of
    X-Forwarded-For), so no client can write itself another address into the header."""
    return client_ip(request) or "unknown"


def _context(request: HttpRequest, link: DigitalLink, *, record: bool) -> tuple[dict[str, Any], int]:
    assert link.gtin and link.serial
    stamp = stamps.stamp_for(link.gtin, link.serial)
    product = stamp.batch.product if stamp else catalog.public_products().filter(gtin=link.gtin).first()
    lot = None
    lot_mismatch = False
    batch_lot = stamp.batch.lot if stamp else None
    if batch_lot is not None:
        lot = catalog.public_lot(link.gtin, batch_lot.lot_code)
        lot_mismatch = bool(link.lot and link.lot != batch_lot.lot_code)
    elif link.lot:
        lot = catalog.public_lot(link.gtin, link.lot)
    scan = None
    if record:
        scan = stamp_services.record_scan(
            gtin=link.gtin, serial=link.serial, lot_code=link.lot or "", stamp=stamp, address=client_address(request)
        )
    state = "valid"
    if stamp is None:
        state = "unknown_serial"
    elif stamp.batch.status == BatchStatus.REVOKED:
        state = "revoked"
    elif stamp.batch.status != BatchStatus.APPROVED:
        state = "unknown_serial"
    signals = stamps.scan_signals(link.gtin, link.serial)
    story = cached_story(lot.product.gtin, lot.lot_code) if lot else None
    context = page_context(story) if story else {"story": None}
    context.update(
        {
            "link": link,
            "item_path": link.path(),
            "product": product,
            "stamp_state": state,
            "lot_mismatch": lot_mismatch,
            "signals": signals,
            "location_token": location_token(scan) if scan else "",
        }
    )
    fallback = None
    if stamp is None and product is not None:
        fallback = "lot" if story else "product"
    context["fallback"] = fallback
    status = 200 if product is not None else 404
    return context, status


FALLBACK_NOTES = {
    "lot": gettext_lazy("Số sê-ri này không có trong hệ thống; thông tin dưới đây là của lô hàng."),
    "product": gettext_lazy("Số sê-ri này không có trong hệ thống; thông tin dưới đây là của sản phẩm."),
}


def _links(link: DigitalLink, context: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The lot's links for the item (its page is the item's, which shows the stamp's state), or without a lot the
    item page, the product page and the feedback form."""
    base = settings.TRUYXUAT_PORTAL_URL
    if context["story"]:
        return linkset.lot_links(base, context["story"], serial=link.serial)
    page = base + link.path()
    title = context["product"].name
    links = linkset.product_links(base, context["product"].gtin)
    links[linkset.GS1 + "pip"].insert(0, linkset.link(page, title, hreflang=["vi", "en"]))
    links[linkset.GS1 + "defaultLink"] = [linkset.link(page, title)]
    links[linkset.GS1 + "verificationService"] = [linkset.link(page + "#kiem-tra", _("Kiểm tra mã tem"))]
    return links


def item_view(request: HttpRequest, link: DigitalLink) -> HttpResponse:
    for_links = "linkType" in request.GET or linkset.wants_linkset(request)
    context, status = _context(request, link, record=not (for_links or is_head(request)))
    if for_links and status == 200:
        answer = linkset.respond(request, settings.TRUYXUAT_PORTAL_URL + link.path(), _links(link, context))
        if answer is not None:
            answer["Access-Control-Allow-Origin"] = "*"
            answer["Cache-Control"] = "no-store"
            return answer
    fallback = context["fallback"]
    if request.GET.get("format") == "json" or "application/json" in request.headers.get("Accept", ""):
        signals = context["signals"]
        return JsonResponse(
            json_ready(
                {
                    "gtin": link.gtin,
                    "serial": link.serial,
                    "stamp": context["stamp_state"],
                    "fallback": fallback,
                    "note": str(FALLBACK_NOTES[fallback]) if fallback else None,
                    "scans": {
                        "count": signals.count,
                        "first_at": signals.first_at,
                        "places": signals.places,
                        "warnings": signals.warnings,
                    },
                    "lot": context["story"],
                }
            ),
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    if fallback:
        context["fallback_note"] = FALLBACK_NOTES[fallback]
    response = render(request, "portal/item.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def check_code(request: HttpRequest) -> HttpResponse:
    """The consumer types the check code printed on the stamp; the page says plainly whether it matches."""
    try:
        link = parse_path(request.POST.get("item", ""))
    except InvalidLink:
        return HttpResponse(_("Mã không hợp lệ."), status=400)
    if link.kind != "item" or link.gtin is None or link.serial is None:
        return HttpResponse(_("Mã không hợp lệ."), status=400)
    context, status = _context(request, link, record=False)
    stamp = stamps.stamp_for(link.gtin, link.serial)
    result = "unknown"
    if stamp is not None:
        try:
            result = (
                "match"
                if stamp_services.verify_check_code(
                    stamp=stamp, code=request.POST.get("code", ""), address=client_address(request)
                )
                else "mismatch"
            )
        except stamp_services.Throttled:
            result = "throttled"
        context["signals"] = stamps.scan_signals(link.gtin, link.serial)
    context["check_result"] = result
    response = render(request, "portal/item.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # the signed scan token, not a session, authorises this; it can only add a coarse location
@require_POST
def scan_location(request: HttpRequest) -> JsonResponse:
    try:
        data = json.loads(request.body or b"{}")
        stamp_services.attach_location(
            token=str(data.get("token", "")), latitude=data.get("latitude"), longitude=data.get("longitude")
        )
    except (ValueError, ValidationError) as exc:
        return JsonResponse({"ok": False, "error": str(exc)}, status=400)
    return JsonResponse({"ok": True})
