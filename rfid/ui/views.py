"""The RFID pages under /rfid/ (on the workspace's base template): the organisation's read points with the job each
is open for, a gate's live view (units expected, read, missing, unexpected; polled every two seconds), and unit
labels (a page to print, ZPL for RFID printers; the other labels are `rfid.ui.assets`). Each write calls one
`rfid.services` function."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from logistics.choices import ShipmentStatus
from logistics.models import LogisticUnit, Shipment
from rfid import labels, selectors, services
from rfid.models import GateSession, ReadPoint
from stamps.qr import svg
from workspace.views.common import member_view


def _point(request: HttpRequest, pk: int) -> ReadPoint:
    point = ReadPoint.objects.filter(pk=pk, organization=request.org).select_related("facility").first()  # type: ignore[attr-defined]
    if point is None:
        raise Http404
    return point


@member_view
def index(request: HttpRequest) -> HttpResponse:
    org = request.org  # type: ignore[attr-defined]
    points = list(ReadPoint.objects.filter(organization=org).select_related("facility"))
    open_sessions = {s.read_point_id: s for s in GateSession.objects.filter(read_point__in=points, closed_at=None)}
    incoming = Shipment.objects.filter(receiver=org, status=ShipmentStatus.PENDING).select_related("sender")[:50]
    rows = [(p, open_sessions.get(p.pk)) for p in points]
    return render(request, "rfid/index.html", {"nav": "rfid", "rows": rows, "incoming": incoming})


@require_POST
@member_view
def session_open(request: HttpRequest, pk: int) -> HttpResponse:
    point = _point(request, pk)
    data: dict[str, Any] = {
        "receiver": request.POST.get("receiver", "").strip() or None,
        "expected": request.POST.get("expected", "").split(),
        "shipment": request.POST.get("shipment") or None,
    }
    try:
        services.open_session(actor=request.user, read_point=point, data=data)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect("rfid:index")
    return redirect("rfid:gate", pk=point.pk)


@require_POST
@member_view
def session_close(request: HttpRequest, pk: int) -> HttpResponse:
    point = _point(request, pk)
    session = GateSession.objects.filter(read_point=point, closed_at=None).first()
    if session is not None:
        services.close_session(actor=request.user, session=session)
    return redirect("rfid:gate", pk=point.pk)


def _state(point: ReadPoint) -> dict[str, Any]:
    state = selectors.gate_state(point)
    return {"point": point, "state": state, "nav": "rfid"}


@member_view
def gate(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "rfid/gate.html", _state(_point(request, pk)))


@member_view
def gate_state(request: HttpRequest, pk: int) -> HttpResponse:
    response = render(request, "rfid/gate_state.html", _state(_point(request, pk)))
    response["Cache-Control"] = "no-store"
    return response


def _unit(request: HttpRequest, sscc: str) -> LogisticUnit:
    unit = LogisticUnit.objects.filter(sscc=sscc, organization=request.org).select_related("organization").first()  # type: ignore[attr-defined]
    if unit is None:
        raise Http404
    return unit


def _units(unit: LogisticUnit) -> list[LogisticUnit]:
    return [unit, *unit.children.select_related("organization").order_by("sscc")]


@member_view
def unit_labels(request: HttpRequest, sscc: str) -> HttpResponse:
    """A unit's label and those of the units on it, to print: QR, SSCC and the EPC the tag carries."""
    rows = []
    for member in _units(_unit(request, sscc)):
        label = labels.unit_label(member)
        rows.append((label, svg(label.link, scale=3).decode()))
    context = {"nav": "rfid", "rows": rows, "title": _("Nhãn RFID"), "zpl_url": reverse("rfid:zpl", args=[sscc])}
    return render(request, "rfid/labels.html", context)


@member_view
def unit_zpl(request: HttpRequest, sscc: str) -> HttpResponse:
    text = labels.zpl([labels.unit_label(u) for u in _units(_unit(request, sscc))])
    response = HttpResponse(text, content_type="application/vnd.zebra.zpl; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{sscc}.zpl"'
    return response
