"""Recalls: start from a lot, a facility or a test result; scope on a map and a list; acknowledgements; close."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import permissions
from catalog.choices import QuantityUnit
from catalog.models import Facility, Lot
from core.errors import Forbidden
from core.forms import read_field
from core.numbers import RECEIVED_QUANTITY
from oversight import svg
from oversight.views.common import add_errors, flash_errors, forbidden, officer_required, paginate, querystring
from quality.models import LabTest
from quality.selectors import with_hold_flag
from recalls import selectors, services
from recalls.choices import HazardClass, RecallStatus
from recalls.models import Recall, RecallParty


class RecallForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Lý do thu hồi"), widget=forms.Textarea(attrs={"rows": 3}))
    hazard_class = forms.ChoiceField(label=gettext_lazy("Mức độ"), choices=HazardClass.choices, initial="II")
    notice = forms.CharField(
        label=gettext_lazy("Thông báo cho người tiêu dùng (để trống: tự soạn từ lý do)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


@officer_required
def recalls(request: HttpRequest) -> HttpResponse:
    items = selectors.recalls(request.user)
    status = request.GET.get("status", "")
    if status in RecallStatus.values:
        items = items.filter(status=status)
    return render(
        request,
        "oversight/recalls/list.html",
        {"section": "recalls", "page": paginate(request, items), "qs": querystring(request), "status": status},
    )


def _origin(request: HttpRequest) -> dict[str, object]:
    source = request.POST if request.method == "POST" else request.GET
    found: dict[str, object] = {}
    try:
        if source.get("lot"):
            found["lot"] = Lot.objects.select_related("product__organization").get(pk=int(source["lot"]))
        elif source.get("facility"):
            found["facility"] = Facility.objects.select_related("organization").get(pk=int(source["facility"]))
        elif source.get("lab_test"):
            found["lab_test"] = LabTest.objects.select_related("organization").get(pk=int(source["lab_test"]))
    except (ValueError, Lot.DoesNotExist, Facility.DoesNotExist, LabTest.DoesNotExist):
        return {}
    return found


@officer_required
def recall_new(request: HttpRequest) -> HttpResponse:
    origin = _origin(request)
    form = RecallForm(request.POST or None)
    if request.method == "POST" and origin and form.is_valid():
        try:
            recall = services.start_recall(actor=request.user, **form.cleaned_data, **origin)  # type: ignore[arg-type]
        except ValidationError as exc:
            add_errors(form, exc)
        except Forbidden:
            return forbidden(request)
        else:
            messages.success(
                request,
                _("Đã bắt đầu thu hồi %(code)s và thông báo cho các bên liên quan.") % {"code": recall.code},
            )
            return redirect("oversight:recall", recall.pk)
    lots = with_hold_flag(Lot.objects.select_related("product").exclude(status="recalled")).order_by(
        "product__name", "lot_code"
    )
    return render(
        request,
        "oversight/recalls/new.html",
        {
            "section": "recalls",
            "form": form,
            "origin": origin,
            "lots": lots[:500],
            "facilities": Facility.objects.select_related("organization").order_by("name")[:500],
        },
        status=400 if form.errors else 200,
    )


def _can_view(user: object, recall: Recall) -> bool:
    if permissions.is_officer_for(user, recall.organization):
        return True
    return any(p.organization and permissions.is_member(user, p.organization) for p in recall.parties.all())


def recall(request: HttpRequest, pk: int) -> HttpResponse:
    """The recall page: officers see and run it; members of an affected organisation see it and answer."""
    item = get_object_or_404(Recall.objects.select_related("organization", "root_lot__product", "started_by"), pk=pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not _can_view(request.user, item):
        return forbidden(request)
    officer = permissions.is_officer_for(request.user, item.organization)
    parties = list(item.parties.select_related("organization", "acknowledged_by"))
    points = selectors.map_points(item)
    by_gln = {}
    for f in Facility.objects.exclude(latitude=None).filter(gln__in=[p.gln for p in parties if p.gln]):
        by_gln[f.gln] = (float(f.latitude), float(f.longitude))  # type: ignore[arg-type]
    lines = []
    for s in item.shipments.all():
        a, b = by_gln.get(s.source.rsplit("/", 1)[-1]), by_gln.get(s.destination.rsplit("/", 1)[-1])
        if a and b:
            lines.append((a, b))
    return render(
        request,
        "oversight/recalls/detail.html",
        {
            "section": "recalls",
            "recall": item,
            "officer": officer,
            "parties": [(p, services.can_answer_for(request.user, p)) for p in parties],
            "lots": item.lots.select_related("lot__product", "organization"),
            "shipments": item.shipments.all()[:200],
            "progress": selectors.progress(item),
            "map": svg.point_map(points, lines=lines, title=_("Bản đồ phạm vi thu hồi")),
            "units": QuantityUnit.choices,
        },
    )


@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    party = get_object_or_404(RecallParty.objects.select_related("recall"), pk=pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        withdrawn = read_field("quantity_withdrawn", request.POST.get("quantity_withdrawn"), RECEIVED_QUANTITY)
        services.acknowledge(
            actor=request.user,
            party=party,
            quantity_withdrawn=withdrawn,
            unit=request.POST.get("unit", ""),
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        flash_errors(request, exc)
    except Forbidden:
        return forbidden(request)
    else:
        messages.success(request, _("Đã ghi xác nhận của %(name)s.") % {"name": party.name})
    return redirect("oversight:recall", party.recall_id)


@require_POST
@officer_required
def close(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Recall, pk=pk)
    try:
        services.close_recall(actor=request.user, recall=item, note=request.POST.get("note", ""))
    except ValidationError as exc:
        flash_errors(request, exc)
    except Forbidden:
        return forbidden(request)
    else:
        messages.success(request, _("Đã kết thúc đợt thu hồi %(code)s.") % {"code": item.code})
    return redirect("oversight:recall", item.pk)
