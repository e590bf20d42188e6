"""Lots: list, detail (rules, lineage, events), harvest, processing, packing, claims, submission."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.choices import CertificateKind, LotStatus, QuantityUnit
from catalog.models import Facility, GrowingArea, Lot, Product
from catalog.selectors import digital_link
from catalog.services import missing_for_publication
from core.forms import NumberReader
from core.numbers import QUANTITY
from diary.models import DiaryEntry
from logistics import selectors as logistics_selectors
from logistics.choices import Process, UnitKind
from logistics.models import LogisticUnit, ShipmentLine
from quality.selectors import active_holds, with_hold_flag
from rules import selectors as rules_selectors
from rules import services as rules
from workflows import chain, publication
from workspace.views.common import error_status, member_view, page_of, run


def _lot(request: HttpRequest, pk: int) -> Lot:
    lot = Lot.objects.select_related("product__organization").filter(pk=pk).first()
    org = request.org  # type: ignore[attr-defined]
    if lot is None:
        raise Http404
    if lot.product.organization_id != org.pk:
        seen = ShipmentLine.objects.filter(lot=lot).filter(Q(shipment__receiver=org) | Q(shipment__sender=org))
        if not seen.exists():
            raise Http404
    return lot


def _pickable(org: Any) -> list[tuple[Lot, Any]]:
    """The lots the organisation holds, with what is left of each, for the input pickers (held ones marked)."""
    return [
        (lot, logistics_selectors.available(org, lot))
        for lot in with_hold_flag(logistics_selectors.held_lots(org))[:200]
    ]


@member_view
def lots(request: HttpRequest) -> HttpResponse:
    org = request.org  # type: ignore[attr-defined]
    qs = with_hold_flag(logistics_selectors.held_lots(org)).prefetch_related("origin_areas")
    status = request.GET.get("status", "")
    if status in LotStatus.values:
        qs = qs.filter(status=status)
    page = page_of(request, qs)
    rows = [(lot, logistics_selectors.available(org, lot)) for lot in page]
    context = {"nav": "lots", "page": page, "rows": rows, "status": status, "statuses": LotStatus.choices}
    return render(request, "workspace/lots.html", context)


@member_view
def lot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = request.org  # type: ignore[attr-defined]
    lot = _lot(request, pk)
    own = lot.product.organization_id == org.pk
    context = {
        "nav": "lots",
        "lot": lot,
        "on_hold": active_holds(lot).exists(),
        "own": own,
        "blockers": rules_selectors.current_blockers(lot),
        "decisions": rules_selectors.decisions_for(lot)[:20],
        "missing": missing_for_publication(lot) if own else [],
        "available": logistics_selectors.available(org, lot),
        "upstream": logistics_selectors.upstream_lots(lot),
        "downstream": logistics_selectors.downstream_lots(lot),
        "harvests": DiaryEntry.objects.filter(lot=lot).select_related("growing_area"),
        "claims": list(lot.claims.values_list("kind", flat=True)),  # type: ignore[attr-defined]
        "kinds": CertificateKind.choices,
        "link": digital_link(lot.product.gtin, lot.lot_code),
        "batches": lot.stamp_batches.all() if hasattr(lot, "stamp_batches") else [],
    }
    return render(request, "workspace/lot.html", context)


@require_POST
@member_view
def lot_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The publication workflow: the rules (their decisions are recorded even when they block), then the
    submission for review."""
    lot = _lot(request, pk)
    run(
        request,
        lambda: publication.submit_lot(actor=request.user, lot=lot),
        _("Đã gửi lô cho cơ quan quản lý duyệt."),
    )
    return redirect("workspace:lot", pk=lot.pk)


@require_POST
@member_view
def lot_check(request: HttpRequest, pk: int) -> HttpResponse:
    lot = _lot(request, pk)
    verdicts = rules.check_lot(actor=request.user, lot=lot)
    blocked = [v for v in verdicts if v.blocks]
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "workspace/partials/verdicts.html", {"blockers": blocked, "lot": lot})
    return redirect("workspace:lot", pk=lot.pk)


@require_POST
@member_view
def lot_claims(request: HttpRequest, pk: int) -> HttpResponse:
    lot = _lot(request, pk)
    run(
        request,
        lambda: chain.update_claims(actor=request.user, lot=lot, claims=request.POST.getlist("claims")),
        _("Đã cập nhật chứng nhận công bố."),
    )
    return redirect("workspace:lot", pk=lot.pk)


def _org_context(org: Any) -> dict[str, Any]:
    return {
        "products": Product.objects.filter(organization=org).order_by("name"),
        "areas": GrowingArea.objects.filter(organization=org).order_by("code"),
        "facilities": Facility.objects.filter(organization=org),
        "units": QuantityUnit.choices,
        "kinds": CertificateKind.choices,
    }


@member_view
def harvest(request: HttpRequest) -> HttpResponse:
    org = request.org  # type: ignore[attr-defined]
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        post = request.POST
        number = NumberReader(post)
        areas = [
            {"growing_area": a, "quantity": number(f"qty_{a}", QUANTITY, required=True, key="quantity")}
            for a in post.getlist("area")
            if a
        ]
        data: dict[str, Any] = {
            "product": post.get("product"),
            "areas": areas or [{"growing_area": None, "quantity": ""}],
            "unit": post.get("unit"),
            "harvested_at": post.get("harvested_at") or None,
            "lot_code": post.get("lot_code", ""),
            "claims": post.getlist("claims"),
            "client_id": post.get("client_id") or None,
            "confirm_yield": post.get("confirm_yield") == "1",
            "note": post.get("note", ""),
        }
        lot, errors = run(
            request,
            lambda: chain.harvest(actor=request.user, organization=org, data=data),
            _("Đã tạo lô hàng."),
            number.errors,
            check_all=True,
        )
        if lot is not None:
            return redirect("workspace:lot", pk=lot.pk)
    context = {
        "nav": "lots",
        "errors": errors,
        "post": request.POST,
        "posted_areas": request.POST.getlist("area"),
        "posted_claims": request.POST.getlist("claims"),
        "area": request.GET.get("area", ""),
        **_org_context(org),
    }
    return render(request, "workspace/harvest.html", context, status=error_status(errors))


def _rows(number: NumberReader, lot_key: str, qty_key: str, error_key: str) -> list[dict[str, Any]]:
    """The rows of lots and quantities typed (the Vietnamese way), empty rows left out."""
    lots = number.data.getlist(lot_key)
    typed = number.data.getlist(qty_key)
    quantities = number.many(qty_key, QUANTITY, key=error_key)
    return [
        {"lot": lot, "quantity": q}
        for lot, text, q in zip(lots, typed, quantities, strict=False)
        if lot and str(text).strip()
    ]


@member_view
def process(request: HttpRequest) -> HttpResponse:
    org = request.org  # type: ignore[attr-defined]
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        post = request.POST
        number = NumberReader(post)
        outputs = [
            {"product": p, "quantity": q, "unit": u, "lot_code": c}
            for p, text, q, u, c in zip(
                post.getlist("out_product"),
                post.getlist("out_quantity"),
                number.many("out_quantity", QUANTITY, key="outputs"),
                post.getlist("out_unit"),
                post.getlist("out_lot_code"),
                strict=False,
            )
            if p and str(text).strip()
        ]
        data = {
            "process": post.get("process"),
            "inputs": _rows(number, "in_lot", "in_quantity", "inputs"),
            "outputs": outputs,
            "occurred_at": post.get("occurred_at") or None,
            "facility": post.get("facility") or None,
            "note": post.get("note", ""),
            "claims": post.getlist("claims"),
        }
        t, errors = run(
            request,
            lambda: chain.transform(actor=request.user, organization=org, data=data),
            _("Đã ghi chế biến."),
            number.errors,
            check_all=True,
        )
        if t is not None:
            return redirect("workspace:lot", pk=t.outputs.first().pk)
    held = _pickable(org)
    context = {
        "nav": "lots",
        "errors": errors,
        "post": request.POST,
        "held": [(lot, q) for lot, q in held if q > 0 and lot.status != LotStatus.RECALLED],
        "processes": Process.choices,
        "preselect": request.GET.get("lot", ""),
        **_org_context(org),
    }
    return render(request, "workspace/process.html", context, status=error_status(errors))


@member_view
def pack(request: HttpRequest) -> HttpResponse:
    org = request.org  # type: ignore[attr-defined]
    errors: dict[str, list[str]] = {}
    created: list[LogisticUnit] = []
    if request.method == "POST":
        post = request.POST
        number = NumberReader(post)
        data = {
            "kind": post.get("kind"),
            "contents": _rows(number, "in_lot", "in_quantity", "contents"),
            "count": post.get("count") or 1,
            "children": post.getlist("children"),
        }
        units, errors = run(
            request,
            lambda: chain.pack(actor=request.user, organization=org, data=data),
            _("Đã đóng gói."),
            number.errors,
            check_all=True,
        )
        created = units or []
    held = _pickable(org)
    context = {
        "nav": "lots",
        "errors": errors,
        "created": created,
        "held": [(lot, q) for lot, q in held if q > 0],
        "kinds_unit": UnitKind.choices,
        "loose_cartons": LogisticUnit.objects.filter(organization=org, parent__isnull=True).exclude(kind="pallet")[
            :100
        ],
        "units": LogisticUnit.objects.filter(organization=org).prefetch_related("contents__lot")[:20],
        "preselect": request.GET.get("lot", ""),
    }
    return render(request, "workspace/pack.html", context, status=error_status(errors))
