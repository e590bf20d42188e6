"""“Sửa / Huỷ bản ghi”: correct or void a diary entry, a harvest or a shipment line (issue 15 item 4).

Each page shows the record as it stands, a form with its values to correct and the reason (required), and a
separate void form that asks for confirmation. The services (`diary.corrections`,
`logistics.services.corrections`) decide who may (the author or an owner) and record the EPCIS error
declaration; these views only parse, call one service and render.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from catalog.choices import QuantityUnit
from core.forms import read
from core.numbers import QUANTITY
from diary.activities import ACTIVITY_SPECS
from diary.choices import Activity
from diary.models import DiaryEntry
from logistics.models import ShipmentLine
from workflows import chain
from workspace.views.common import error_status, member_view, run

FIELDS = ("product_name", "active_ingredient", "dose", "phi_days", "withdrawal_days", "quantity", "unit", "note")


def _confirmed(request: HttpRequest) -> dict[str, list[str]]:
    """A void needs its confirmation box ticked (a destructive action)."""
    if request.POST.get("confirm") == "1":
        return {}
    return {"confirm": [_("Đánh dấu ô xác nhận để huỷ bản ghi.")]}


def _action(request: HttpRequest) -> str:
    return "void" if request.POST.get("action") == "void" else "correct"


@require_http_methods(["GET", "POST"])
@member_view
def correct_entry(request: HttpRequest, client_id: UUID) -> HttpResponse:
    """A diary entry (by the phone's client id), or one area's harvest of a lot."""
    org = request.org  # type: ignore[attr-defined]
    entry = (
        DiaryEntry.objects.filter(client_id=client_id, organization=org)
        .select_related("growing_area", "recorded_by", "lot__product")
        .first()
    )
    if entry is None:
        raise Http404
    harvest = entry.activity == Activity.HARVESTING
    errors: dict[str, list[str]] = {}
    if request.method == "POST" and not entry.correction:
        data = request.POST.dict()
        reason = data.get("reason", "")
        action = _action(request)
        call: Any
        if action == "void":
            void = chain.void_harvest if harvest else chain.void_entry
            call = partial(void, actor=request.user, entry=entry, reason=reason)
            _done, errors = run(
                request, call, _("Đã huỷ bản ghi. Các lô liên quan đã được kiểm tra lại."), _confirmed(request)
            )
        elif harvest:
            amount, refused = _typed_quantity(data)
            if amount is not None:
                data["quantity"] = str(amount)
            call = partial(chain.correct_harvest, actor=request.user, entry=entry, data=data, reason=reason)
            _done, errors = run(request, call, _("Đã lưu bản sửa. Lô được kiểm tra lại."), refused)
        else:
            call = partial(chain.correct_entry, actor=request.user, entry=entry, data=_entry_data(data), reason=reason)
            _done, errors = run(request, call, _("Đã lưu bản sửa. Các lô liên quan đã được kiểm tra lại."))
        if not errors:
            if harvest and entry.lot_id:
                return redirect("workspace:lot", pk=entry.lot_id)
            return redirect(f"{_history_url()}#e{entry.pk}")
    spec = ACTIVITY_SPECS[entry.activity]
    context = {
        "nav": "lots" if harvest else "diary",
        "entry": entry,
        "harvest": harvest,
        "fields": set(spec.fields),
        "units": QuantityUnit.choices,
        "errors": errors,
        "post": request.POST if errors else {},
        "action": _action(request) if errors else "",
        "when": timezone.localtime(entry.occurred_at).strftime("%Y-%m-%dT%H:%M"),
        "day": timezone.localtime(entry.occurred_at).strftime("%Y-%m-%d"),
        "corrective": entry.correction_entry,
        "corrected_from": entry.corrects,
    }
    return render(request, "workspace/correct.html", context, status=error_status(errors))


def _typed_quantity(data: dict[str, str]) -> tuple[Decimal | None, dict[str, list[str]]]:
    """The quantity as a person types it (Vietnamese: 1.200 asked back, 0,5), or the errors for the page."""
    try:
        return read(data.get("quantity"), QUANTITY, confirmed=data.get("quantity_confirm")), {}
    except ValidationError as exc:
        return None, {"quantity": exc.messages}


def _history_url() -> str:
    from django.urls import reverse

    return reverse("workspace:diary_history")


def _entry_data(data: dict[str, str]) -> dict[str, Any]:
    """The corrected values as the diary form sends them (the time typed in the page's local time)."""
    out: dict[str, Any] = {k: data[k] for k in FIELDS if k in data}
    when = (data.get("occurred_at") or "").strip()
    if when:
        out["occurred_at"] = when.replace("T", " ")
    if "quantity_confirm" in data:
        out["quantity_confirm"] = data["quantity_confirm"]
    return out


@require_http_methods(["GET", "POST"])
@member_view
def correct_line(request: HttpRequest, pk: int) -> HttpResponse:
    """A loose line of a shipment the organisation sent."""
    org = request.org  # type: ignore[attr-defined]
    line = (
        ShipmentLine.all_lines.filter(pk=pk, shipment__sender=org)
        .select_related("shipment__receiver", "lot__product")
        .first()
    )
    if line is None:
        raise Http404
    errors: dict[str, list[str]] = {}
    if request.method == "POST" and not line.correction:
        reason = request.POST.get("reason", "")
        if _action(request) == "void":
            call = partial(chain.void_shipment_line, actor=request.user, line=line, reason=reason)
            _done, errors = run(request, call, _("Đã huỷ dòng hàng."), _confirmed(request))
        else:
            amount, refused = _typed_quantity(request.POST.dict())
            call = partial(
                chain.correct_shipment_line,
                actor=request.user,
                line=line,
                quantity=amount,
                reason=reason,
            )
            _done, errors = run(request, call, _("Đã lưu bản sửa của dòng hàng."), refused)
        if not errors:
            return redirect("workspace:shipment", public_id=line.shipment.public_id)
    context = {
        "nav": "shipments",
        "line": line,
        "entry": None,  # the template reads `line|default:entry`: a missing filter argument raises (500 on GET)
        "errors": errors,
        "post": request.POST if errors else {},
        "action": _action(request) if errors else "",
    }
    return render(request, "workspace/correct.html", context, status=error_status(errors))


__all__ = ["correct_entry", "correct_line"]
