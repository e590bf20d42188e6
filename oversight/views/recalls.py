"""Recalls: choose an origin (lot, facility, test result, maybe for a complaint), preview the scope (lots,
organisations, quantities per unit, map), commit it with the digest of what was previewed, follow acknowledgements
and withdrawals, close.

The preview is a GET (origin, reason, hazard class, notice, complaint in the query string); its form POSTs the same
parameters and `scope` (the preview's digest). A POST without a digest, or whose scope changed since, shows the
preview again instead of committing.
"""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

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
from complaints.models import ComplaintCase
from core import charts
from core.errors import Forbidden
from core.forms import read_field
from core.numbers import RECEIVED_QUANTITY
from gs1.identifiers import key_of
from oversight.views.common import add_errors, flash_errors, forbidden, officer_required, paginate, querystring
from quality.models import LabTest
from quality.selectors import with_hold_flag
from recalls import display, selectors, services
from recalls.choices import HazardClass, RecallStatus
from recalls.models import Recall, RecallParty
from recalls.scope import Scope, ScopeChanged, build_scope
from reports.signers import signers_for

PREVIEW_LOTS = 300  # rows of the preview's lot table (the counts and totals cover all)


class RecallForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Lý do thu hồi"), widget=forms.Textarea(attrs={"rows": 3}))
    hazard_class = forms.ChoiceField(label=gettext_lazy("Mức độ"), choices=HazardClass.choices, initial="II")
    notice = forms.CharField(
        label=gettext_lazy("Thông báo cho người tiêu dùng (để trống: tự soạn từ lý do)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    signer = forms.TypedChoiceField(
        label=gettext_lazy("Người ký quyết định và thông báo"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices: list[tuple[Any, str]] = [(s.pk, str(s)) for s in signers_for(user)] if user is not None else []
        self.signer_choices = choices or [("", _("GIÁM ĐỐC (ghi tên khi ký)"))]
        field = cast(forms.TypedChoiceField, self.fields["signer"])
        field.choices = self.signer_choices
        field.help_text = _("Danh sách người ký của cơ quan: trang Báo cáo.")

    def signer_label(self) -> str:
        """The chosen signer as printed (after validation)."""
        chosen = self.cleaned_data.get("signer") or ""
        return next((label for value, label in self.signer_choices if value == chosen), "")


def draw_map(data: dict[str, Any]) -> Any:
    return charts.point_map(
        data["points"],
        lines=data["lines"],
        legend=data["legend"],
        width=900,
        height=480,
        font_size=14,
        title=_("Bản đồ phạm vi thu hồi"),
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


def _origin(source: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    try:
        if source.get("lot"):
            found["lot"] = Lot.objects.select_related("product__organization").get(pk=int(source["lot"]))
        elif source.get("facility"):
            found["facility"] = Facility.objects.select_related("organization").get(pk=int(source["facility"]))
        elif source.get("lab_test"):
            found["lab_test"] = LabTest.objects.select_related("organization", "analyte").get(
                pk=int(source["lab_test"])
            )
    except (ValueError, Lot.DoesNotExist, Facility.DoesNotExist, LabTest.DoesNotExist):
        return {}
    return found


def _complaint(source: Any) -> ComplaintCase | None:
    try:
        pk = int(source.get("complaint") or 0)
    except ValueError:
        return None
    return ComplaintCase.objects.select_related("feedback__organization", "feedback__product").filter(pk=pk).first()


def _preview(
    request: HttpRequest,
    scope: Scope,
    form: RecallForm,
    origin: dict[str, Any],
    case: Any,
    *,
    note: str = "",
    status: int = 200,
) -> HttpResponse:
    """The preview page; `note`: "changed" (the scope changed since the officer's preview) or "unseen"."""
    data = display.describe(scope.lots, scope.parties, scope.shipments, scope.origin_org.pk)
    reason, notice = form.cleaned_data["reason"], form.cleaned_data.get("notice") or ""
    return render(
        request,
        "oversight/recalls/preview.html",
        {
            "section": "recalls",
            "scope": scope,
            "origin": origin,
            "case": case,
            "form": form,
            "hazard_label": dict(HazardClass.choices).get(form.cleaned_data["hazard_class"], ""),
            "signer_label": form.signer_label(),
            "notice_shown": notice.strip() or services.default_notice(reason),
            "d": data,
            "lot_rows": data["lot_rows"][:PREVIEW_LOTS],
            "more_lots": max(0, len(data["lot_rows"]) - PREVIEW_LOTS),
            "map": draw_map(data["map"]),
            "note": note,
            "back": urlencode(
                {k: getattr(v, "pk", "") for k, v in origin.items()} | ({"complaint": case.pk} if case else {})
            ),
        },
        status=status,
    )


@officer_required
def recall_new(request: HttpRequest) -> HttpResponse:
    """Choose the origin (GET), fill the reason (GET form), preview the scope (GET), commit (POST)."""
    source = request.POST if request.method == "POST" else request.GET
    origin, case = _origin(source), _complaint(source)
    asked = request.method == "POST" or "reason" in request.GET
    form = RecallForm(source if asked else None, user=request.user)
    if asked and origin and form.is_valid():
        try:
            if request.method == "POST" and source.get("scope"):
                recall = services.start_recall(
                    actor=request.user, complaint=case, expected_scope=source["scope"], **form.cleaned_data, **origin
                )
                messages.success(
                    request,
                    _("Đã bắt đầu thu hồi %(code)s và thông báo cho các bên liên quan.") % {"code": recall.code},
                )
                return redirect("oversight:recall", recall.pk)
            scope = build_scope(request.user, **origin)
            # a POST without a digest: nobody commits a scope they have not seen
            return _preview(request, scope, form, origin, case, note="unseen" if request.method == "POST" else "")
        except ScopeChanged as changed:
            return _preview(request, changed.scope, form, origin, case, note="changed", status=409)
        except ValidationError as exc:
            add_errors(form, exc)
        except Forbidden:
            return forbidden(request)
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
            "case": case,
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
    item = get_object_or_404(
        Recall.objects.select_related(
            "organization", "root_lot__product", "root_facility", "root_lab_test__analyte", "started_by"
        ),
        pk=pk,
    )
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not _can_view(request.user, item):
        return forbidden(request)
    officer = permissions.is_officer_for(request.user, item.organization)
    parties = list(item.parties.select_related("organization", "acknowledged_by"))
    lots_page = paginate(request, item.lots.select_related("lot__product__organization", "organization"), 50)
    shipments = list(item.shipments.all()[:200])
    outside = set(item.lots.filter(outside_jurisdiction=True).values_list("organization_id", flat=True)) - {None}
    all_lots = item.lots.filter(lot__isnull=False).select_related("lot__product")
    lot_rows = display.lot_rows(lots_page.object_list)
    answer = {p.pk: services.can_answer_for(request.user, p) for p in parties}
    party_rows = display.party_rows(parties, all_lots, item.organization_id)
    for row in party_rows:
        row["can_answer"] = answer[row["party"].pk]
    return render(
        request,
        "oversight/recalls/detail.html",
        {
            "section": "recalls",
            "recall": item,
            "officer": officer,
            "party_rows": party_rows,
            "lot_rows": lot_rows,
            "page": lots_page,
            "qs": querystring(request),
            "shipment_rows": display.shipment_rows(
                shipments, display.lot_rows(item.lots.filter(key__in=_keys(shipments)).select_related("lot__product"))
            ),
            "more_shipments": max(0, item.shipments.count() - len(shipments)),
            "progress": selectors.progress(item),
            "complaints": item.complaints.select_related("feedback").order_by("pk"),
            "map": draw_map(display.map_data(parties, shipments, item.organization_id, outside)),
            "units": QuantityUnit.choices,
        },
    )


def _keys(shipments: list[Any]) -> list[str]:
    return [key_of(s.epc) for s in shipments]


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


def _document(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The recall's decision or public notice as a PDF, to whoever may open the recall."""
    item = get_object_or_404(
        Recall.objects.select_related("organization", "root_lot__product", "root_lab_test__analyte"), pk=pk
    )
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not _can_view(request.user, item):
        return forbidden(request)
    from recalls.pdf import decision_pdf, notice_pdf  # ReportLab loads on the first document, not at start-up

    body = decision_pdf(item) if kind == "decision" else notice_pdf(item)
    name = f"{'quyet-dinh' if kind == 'decision' else 'thong-bao'}-thu-hoi-{item.code}.pdf"
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def decision(request: HttpRequest, pk: int) -> HttpResponse:
    return _document(request, pk, "decision")


def public_notice(request: HttpRequest, pk: int) -> HttpResponse:
    return _document(request, pk, "notice")
