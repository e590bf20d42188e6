"""Shipments: send to an organisation or a buyer, and the receiver's confirmation (the custody transfer)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.choices import OrganizationKind, OrganizationStatus
from catalog.models import Organization
from core.forms import CONFIRM_SUFFIX, NumberReader
from core.numbers import QUANTITY, RECEIVED_QUANTITY
from logistics import selectors, services
from logistics.models import LogisticUnit, Shipment
from workflows import chain
from workspace.views.common import error_status, member_view, page_of, run


def _shipment(request: HttpRequest, public_id: str) -> Shipment:
    found = selectors.shipments_for(request.org).filter(public_id=public_id).first()  # type: ignore[attr-defined]
    if found is None:
        raise Http404
    return found


@member_view
def shipments(request: HttpRequest) -> HttpResponse:
    org = request.org  # type: ignore[attr-defined]
    context = {
        "nav": "ship",
        "incoming": selectors.pending_receipts(org),
        "page": page_of(request, selectors.shipments_for(org)),
    }
    return render(request, "workspace/shipments.html", context)


@member_view
def ship(request: HttpRequest) -> HttpResponse:
    org = request.org  # type: ignore[attr-defined]
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        post = request.POST
        number = NumberReader(post)
        data = {
            "receiver": post.get("receiver", "") if post.get("to") != "buyer" else "",
            "buyer_name": post.get("buyer_name", "") if post.get("to") == "buyer" else "",
            "buyer_phone": post.get("buyer_phone", ""),
            "lines": [
                {"lot": lot, "quantity": q}
                for lot, text, q in zip(
                    post.getlist("in_lot"),
                    post.getlist("in_quantity"),
                    number.many("in_quantity", QUANTITY, key="lines"),
                    strict=False,
                )
                if lot and str(text).strip()
            ],
            "units": post.getlist("units"),
            "shipped_at": post.get("shipped_at") or None,
            "note": post.get("note", ""),
        }
        shipment, errors = run(
            request,
            lambda: chain.create_shipment(actor=request.user, organization=org, data=data),
            _("Đã ghi chuyến hàng."),
            number.errors,
        )
        if shipment is not None:
            return redirect("workspace:shipment", public_id=shipment.public_id)
    held = [(lot, selectors.available(org, lot)) for lot in selectors.held_lots(org)[:200]]
    partners = (
        Organization.objects.filter(status=OrganizationStatus.APPROVED)
        .exclude(kind=OrganizationKind.AGENCY)
        .exclude(pk=org.pk)
        .order_by("name")
    )
    context = {
        "nav": "ship",
        "errors": errors,
        "post": request.POST,
        "held": [(lot, q) for lot, q in held if q > 0 and lot.status != "recalled"],
        "partners": partners[:300],
        "units": LogisticUnit.objects.filter(organization=org, parent__isnull=True)[:100],
        "preselect": request.GET.get("lot", ""),
    }
    return render(request, "workspace/ship.html", context, status=error_status(errors))


@member_view
def shipment_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    shipment = _shipment(request, public_id)
    org = request.org  # type: ignore[attr-defined]
    context = {
        "nav": "ship",
        "s": shipment,
        "lines": shipment.lines.select_related("lot__product", "unit"),
        "is_receiver": shipment.receiver_id == org.pk,
        "is_sender": shipment.sender_id == org.pk,
        "errors": {},
    }
    return render(request, "workspace/shipment.html", context)


@require_POST
@member_view
def shipment_confirm(request: HttpRequest, public_id: str) -> HttpResponse:
    shipment = _shipment(request, public_id)
    number = NumberReader(request.POST)
    received = {
        k[len("received_") :]: number(k, RECEIVED_QUANTITY, key="received")
        for k in request.POST
        if k.startswith("received_") and not k.endswith(CONFIRM_SUFFIX)
    }
    data = {
        "received": received,
        "note": request.POST.get("note", ""),
        "received_at": request.POST.get("received_at") or None,
    }
    _s, errors = run(
        request,
        lambda: chain.confirm_receipt(actor=request.user, shipment=shipment, data=data),
        _("Đã xác nhận nhận hàng: hàng đã thuộc trách nhiệm của bạn."),
        number.errors,
    )
    if errors:
        context = {
            "nav": "ship",
            "s": shipment,
            "lines": shipment.lines.select_related("lot__product", "unit"),
            "is_receiver": True,
            "is_sender": False,
            "errors": errors,
            "post": request.POST,
        }
        return render(request, "workspace/shipment.html", context, status=400)
    return redirect("workspace:shipment", public_id=public_id)


@require_POST
@member_view
def shipment_reject(request: HttpRequest, public_id: str) -> HttpResponse:
    shipment = _shipment(request, public_id)
    run(
        request,
        lambda: services.reject_shipment(actor=request.user, shipment=shipment, reason=request.POST.get("reason", "")),
        _("Đã từ chối nhận hàng."),
    )
    return redirect("workspace:shipment", public_id=public_id)


@require_POST
@member_view
def shipment_cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    shipment = _shipment(request, public_id)
    run(
        request,
        lambda: services.cancel_shipment(actor=request.user, shipment=shipment, reason=request.POST.get("reason", "")),
        _("Đã huỷ chuyến hàng."),
    )
    return redirect("workspace:shipment", public_id=public_id)
