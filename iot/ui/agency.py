"""The agency's sensor pages (/iot/co-quan/…, on the oversight base template): a facility's devices, a device and a
lot's conditions, each a zoomable time series (day, week, month by link; SVG, no script) with the threshold drawn
across. Officers see only organisations of their province (`permissions.is_officer_for`); anything else is 404."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from catalog.models import Facility, Lot
from iot import selectors
from iot.charts import device_charts
from iot.models import Device, Placement
from iot.templatetags.iot_portal import conditions_context
from oversight.views.common import officer_required

ZOOM = {"ngay": 1, "tuan": 7, "thang": 30}


def _zoom(request: HttpRequest) -> tuple[str, list[tuple[str, str]], int]:
    zoom = request.GET.get("zoom", "tuan")
    if zoom not in ZOOM:
        zoom = "tuan"
    return zoom, [("ngay", _("Ngày")), ("tuan", _("Tuần")), ("thang", _("Tháng"))], ZOOM[zoom]


def _charts(devices: list[Device], days: int) -> list[dict[str, object]]:
    end = timezone.now()
    start = end - dt.timedelta(days=days)
    out: list[dict[str, object]] = []
    for device in devices:
        placement = selectors.placement_now(device)
        out.append({"device": device, "placement": placement, "charts": device_charts(device, start, end, placement)})
    return out


@officer_required
def facility(request: HttpRequest, pk: int) -> HttpResponse:
    found = Facility.objects.filter(pk=pk).select_related("organization").first()
    if found is None or not permissions.is_officer_for(request.user, found.organization):
        raise Http404
    zoom, zooms, days = _zoom(request)
    ids = Placement.objects.filter(facility=found, end=None).values("device_id")
    devices = list(Device.objects.filter(pk__in=ids).order_by("name"))
    context = {"title": found.name, "owner": found.organization, "blocks": _charts(devices, days)}
    return render(request, "iot/agency.html", {**context, "zoom": zoom, "zooms": zooms})


@officer_required
def device(request: HttpRequest, identifier: str) -> HttpResponse:
    found = Device.objects.filter(identifier=identifier).select_related("organization").first()
    if found is None or not permissions.is_officer_for(request.user, found.organization):
        raise Http404
    zoom, zooms, days = _zoom(request)
    context = {"title": found.name, "owner": found.organization, "blocks": _charts([found], days), "csv": found}
    return render(request, "iot/agency.html", {**context, "zoom": zoom, "zooms": zooms})


@officer_required
def lot(request: HttpRequest, pk: int) -> HttpResponse:
    found = Lot.objects.filter(pk=pk).select_related("product__organization").first()
    if found is None or not permissions.is_officer_for(request.user, found.product.organization):
        raise Http404
    context = {
        "title": f"{found.product.name} — {found.lot_code}",
        "owner": found.product.organization,
        "lot": found,
        **conditions_context(found),
    }
    return render(request, "iot/agency_lot.html", context)
