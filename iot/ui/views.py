"""The producer's sensor pages under /iot/ (on the workspace's base template): devices and their secrets (shown
once), where they are, vehicles and the shipments they carry, thresholds, alerts and holds; a device's charts; the
live view of a place over Server-Sent Events; CSV exports. Each write calls one `iot.services` function."""

from __future__ import annotations

import csv
import datetime as dt
import json
import time
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions
from catalog.models import Facility, GrowingArea, Lot, Organization, Product
from iot import selectors, services
from iot.charts import device_charts
from iot.choices import DeviceKind, PlaceKind, QuantityName
from iot.models import ConditionHold, Device, Excursion, Profile, Vehicle
from iot.payloads import PayloadError, parse_time
from iot.units import BY_CODE, QUANTITIES
from workspace.views.common import errors_of, member_view

UNITS = {"CEL": "°C", "P1": "%", "LUX": "lux"}

ZOOM = {"ngay": dt.timedelta(days=1), "tuan": dt.timedelta(days=7), "thang": dt.timedelta(days=30)}


def _places(org: Organization) -> dict[str, list[Any]]:
    return {
        "facilities": list(Facility.objects.filter(organization=org).order_by("name")),
        "areas": list(GrowingArea.objects.filter(organization=org).order_by("name")),
        "vehicles": list(Vehicle.objects.filter(organization=org).order_by("plate")),
    }


@member_view
def index(request: HttpRequest) -> HttpResponse:
    org: Organization = request.org  # type: ignore[attr-defined]
    errors: dict[str, list[str]] = {}
    secret: str | None = None
    created: Device | None = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "device":
                fields: dict[str, Any] = {**request.POST.dict(), "quantities": request.POST.getlist("quantities")}
                created, secret = services.register_device(actor=request.user, organization=org, data=fields)
                if request.POST.get("place"):
                    kind, _sep, pk = request.POST["place"].partition(":")
                    services.place_device(actor=request.user, device=created, kind=kind, place_id=pk)
            elif action == "vehicle":
                services.add_vehicle(
                    actor=request.user,
                    organization=org,
                    plate=request.POST.get("plate", ""),
                    name=request.POST.get("name", ""),
                )
                return redirect("iot:index")
            elif action == "profile":
                data: dict[str, Any] = dict(request.POST.dict())
                kind, _sep, pk = str(data.pop("place", "")).partition(":")
                data[
                    {"facility": "facility", "area": "growing_area", "vehicle": "vehicle", "product": "product"}.get(
                        kind, "facility"
                    )
                ] = pk
                data["hold_lots"] = bool(request.POST.get("hold_lots"))
                services.save_profile(actor=request.user, organization=org, data=data)
                messages.success(request, _("Đã lưu ngưỡng cảnh báo."))
                return redirect("iot:index")
            elif action == "trip":
                from logistics.models import Shipment

                shipment = Shipment.objects.filter(public_id=request.POST.get("shipment") or "", sender=org).first()
                vehicle = Vehicle.objects.filter(pk=request.POST.get("vehicle") or 0, organization=org).first()
                if shipment is None or vehicle is None:
                    raise ValidationError({"trip": [_("Chọn chuyến hàng và xe.")]})
                services.assign_trip(actor=request.user, shipment=shipment, vehicle=vehicle)
                messages.success(request, _("Đã ghi xe chở chuyến hàng."))
                return redirect("iot:index")
        except ValidationError as exc:
            errors = errors_of(exc)
    from logistics.models import Shipment

    context = {
        "nav": "iot",
        "devices": selectors.devices_of(org.pk),
        "kinds": DeviceKind.choices,
        "quantities": QuantityName.choices,
        "profiles": Profile.objects.filter(organization=org, active=True).select_related(
            "facility", "growing_area", "vehicle", "product"
        ),
        "excursions": Excursion.objects.filter(device__organization=org)
        .exclude(confirmed_at=None)
        .select_related("profile", "device")[:20],
        "holds": ConditionHold.objects.filter(lot__product__organization=org, released_at=None).select_related(
            "lot__product", "excursion__profile"
        ),
        "products": Product.objects.filter(organization=org).order_by("name"),
        "shipments": Shipment.objects.filter(sender=org, received_at=None).order_by("-shipped_at")[:20],
        "errors": errors,
        "secret": secret,
        "created": created,
        "post": request.POST if errors else {},
        **_places(org),
    }
    return render(request, "iot/index.html", context, status=400 if errors else 200)


def _device(request: HttpRequest, identifier: str) -> Device:
    device = Device.objects.filter(identifier=identifier, organization=request.org).first()  # type: ignore[attr-defined]
    if device is None:
        raise Http404
    return device


@member_view
def device_page(request: HttpRequest, identifier: str) -> HttpResponse:
    device = _device(request, identifier)
    zoom = request.GET.get("zoom", "ngay")
    end = timezone.now()
    start = end - ZOOM.get(zoom, ZOOM["ngay"])
    placement = selectors.placement_now(device)
    charts = device_charts(device, start, end, placement)
    context = {
        "nav": "iot",
        "device": device,
        "placement": placement,
        "charts": charts,
        "zoom": zoom,
        "zooms": [("ngay", _("Ngày")), ("tuan", _("Tuần")), ("thang", _("Tháng"))],
        "secret": request.session.pop("iot_secret", None),
        **_places(device.organization),
        "place_kinds": PlaceKind.choices,
    }
    return render(request, "iot/device.html", context)


@require_POST
@member_view
def device_action(request: HttpRequest, identifier: str, action: str) -> HttpResponse:
    device = _device(request, identifier)
    try:
        if action == "rotate":
            request.session["iot_secret"] = services.rotate_credential(actor=request.user, device=device)
        elif action == "revoke":
            services.revoke_device(actor=request.user, device=device, reason=request.POST.get("reason", ""))
            messages.success(request, _("Đã thu hồi thiết bị: máy chủ MQTT không nhận số đo của nó nữa."))
        elif action == "place":
            kind, _sep, pk = request.POST.get("place", "").partition(":")
            services.place_device(actor=request.user, device=device, kind=kind, place_id=pk)
            messages.success(request, _("Đã ghi nơi đặt thiết bị."))
        else:
            raise Http404
    except ValidationError as exc:
        for text in [t for texts in errors_of(exc).values() for t in texts]:
            messages.error(request, text)
    return redirect("iot:device", identifier=device.identifier)


@require_POST
@member_view
def hold_release(request: HttpRequest, pk: int) -> HttpResponse:
    hold = ConditionHold.objects.filter(pk=pk, lot__product__organization=request.org).first()  # type: ignore[attr-defined]
    if hold is None:
        raise Http404
    try:
        services.release_hold(actor=request.user, hold=hold, reason=request.POST.get("reason", ""))
        messages.success(request, _("Đã giải toả lô."))
    except ValidationError as exc:
        for text in [t for texts in errors_of(exc).values() for t in texts]:
            messages.error(request, text)
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)  # the producer's lot page
    return redirect("iot:index")


def _window(request: HttpRequest) -> tuple[dt.datetime, dt.datetime]:
    end = timezone.now()
    try:
        start = parse_time(request.GET["from"], "from") if request.GET.get("from") else end - dt.timedelta(days=1)
        end = parse_time(request.GET["to"], "to") if request.GET.get("to") else end
    except PayloadError as exc:
        raise ValidationError(str(exc)) from None
    return start, end


def _may_read(user: Any, organization: Organization) -> bool:
    return permissions.is_member(user, organization) or permissions.is_officer_for(user, organization)


def readings_csv(request: HttpRequest, identifier: str) -> HttpResponse:
    """A device's readings in a window (`from`, `to`, ISO 8601) as CSV: members and the province's officers."""
    device = Device.objects.filter(identifier=identifier).select_related("organization").first()
    if device is None or not _may_read(request.user, device.organization):
        raise Http404
    try:
        start, end = _window(request)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain; charset=utf-8")
    from iot.models import Reading

    rows = Reading.objects.filter(device=device, time__gte=start, time__lte=end).order_by("time", "quantity")
    return _csv(f"{device.identifier}.csv", ((device.identifier, r.time, r.quantity, r.value) for r in rows.iterator()))


def _csv(name: str, rows: Iterator[tuple[str, dt.datetime, int, float]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(["device", "time", "quantity", "value", "unit"])
    for ident, when, code, value in rows:
        q = BY_CODE[code]
        writer.writerow([ident, when.isoformat().replace("+00:00", "Z"), q.name, f"{value:g}", q.uom])
    return response


def lot_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Every reading of the places a lot stayed in, while it was there (its stays and excursions)."""
    lot = Lot.objects.filter(pk=pk).select_related("product__organization").first()
    if lot is None or not _may_read(request.user, lot.product.organization):
        raise Http404
    from iot.models import Reading

    found = selectors.lot_conditions(lot)
    windows = [(d, s.start, s.end) for s in found.stays for d in s.devices]
    windows += [(e.device_id, e.started_at, e.ended_at or e.last_at) for e in found.excursions]

    def rows() -> Iterator[tuple[str, dt.datetime, int, float]]:
        names = dict(Device.objects.values_list("pk", "identifier"))
        for device_id, start, end in windows:
            for r in Reading.objects.filter(device_id=device_id, time__gte=start, time__lte=end).order_by("time"):
                yield names[device_id], r.time, r.quantity, r.value

    return _csv(f"{lot.lot_code}-dieu-kien.csv", rows())


@member_view
def live(request: HttpRequest, pk: int) -> HttpResponse:
    """A cold room (or any facility) now: its devices' last readings, updated live over SSE."""
    facility = Facility.objects.filter(pk=pk, organization=request.org).first()  # type: ignore[attr-defined]
    if facility is None:
        raise Http404
    devices = [p.device for p in facility_placements(facility)]
    return render(request, "iot/live.html", {"nav": "iot", "facility": facility, "devices": devices})


def facility_placements(facility: Facility) -> list[Any]:
    from iot.models import Placement

    return list(Placement.objects.filter(facility=facility, end=None).select_related("device"))


STREAM_SECONDS = 25.0  # then the browser's EventSource reconnects (with Last-Event-ID): no worker thread held long


@member_view
def live_stream(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    facility = Facility.objects.filter(pk=pk, organization=request.org).first()  # type: ignore[attr-defined]
    if facility is None:
        raise Http404
    ids = [p.device_id for p in facility_placements(facility)]
    try:
        after = int(request.headers.get("Last-Event-ID") or request.GET.get("after") or 0)
    except ValueError:
        after = 0
    if not after:
        after = max(selectors.last_id() - 20 * max(len(ids), 1), 0)

    def events() -> Iterator[str]:
        cursor = after
        deadline = time.monotonic() + STREAM_SECONDS
        yield "retry: 1000\n\n"
        while time.monotonic() < deadline:
            rows = selectors.latest(ids, cursor)
            for row in rows:
                cursor = row["id"]
                q = BY_CODE[row["quantity"]]
                data = {
                    "device": row["device_id"],
                    "quantity": q.name,
                    "label": str(QuantityName(q.name).label),
                    "value": round(row["value"], 2),
                    "unit": UNITS[q.uom],
                    "time": timezone.localtime(row["time"]).strftime("%H:%M:%S"),
                }
                yield f"id: {cursor}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
            if not rows:
                yield ": .\n\n"
                time.sleep(0.5)

    response = StreamingHttpResponse(events(), content_type="text/event-stream")
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"
    return response


def device_info(request: HttpRequest, identifier: str) -> HttpResponse:
    """What an EPCIS partner finds at a sensorMetadata deviceID: the device's kind and quantities (no readings)."""
    device = Device.objects.filter(identifier=identifier).select_related("organization").first()
    if device is None:
        raise Http404
    body = {
        "deviceID": identifier,
        "kind": device.kind,
        "organization": device.organization.name,
        "measures": [{"type": QUANTITIES[n].measurement_type, "uom": QUANTITIES[n].uom} for n in device.quantities],
    }
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json")
