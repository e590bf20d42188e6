"""Lab tests and rapid tests, holds, the maximum-level table, inspections and violations."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions
from core.errors import Forbidden
from oversight.forms import LabTestForm, PlanInspectionForm, RecordInspectionForm, ViolationUpdateForm
from oversight.views.common import add_errors, flash_errors, forbidden, officer_required, paginate, querystring
from quality import selectors, services
from quality.choices import ChecklistResult, HandlingStatus
from quality.models import Inspection, LabTest, LotHold, MaxLevel, Violation


@officer_required
def lab_tests(request: HttpRequest) -> HttpResponse:
    items = selectors.lab_tests(request.user)
    if request.GET.get("result") == "failed":
        items = items.filter(passed=False)
    holds = LotHold.objects.filter(released_at__isnull=True).select_related("lot__product", "lab_test")
    return render(
        request,
        "oversight/quality/lab_tests.html",
        {
            "section": "quality",
            "page": paginate(request, items),
            "qs": querystring(request),
            "holds": holds[:50],
            "failed_only": request.GET.get("result") == "failed",
        },
    )


@officer_required
def lab_test_new(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.GET.get("lot"):
        initial["lots"] = [request.GET["lot"]]
    form = LabTestForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            test = services.record_lab_test(
                actor=request.user,
                data=data,
                lots=list(data.pop("lots")),
                facility=data.pop("facility"),
                growing_area=data.pop("growing_area"),
                document=data.pop("document"),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        except Forbidden:
            return forbidden(request)
        else:
            if test.passed:
                messages.success(request, _("Đã ghi kết quả: đạt."))
            else:
                messages.error(
                    request,
                    _("Kết quả không đạt: đã tạm giữ %(n)s lô, mở hồ sơ vi phạm và thông báo cho tổ chức.")
                    % {"n": test.holds.count()},
                )
            return redirect("oversight:lab_test", test.pk)
    return render(
        request,
        "oversight/quality/lab_test_form.html",
        {"section": "quality", "form": form, "levels": MaxLevel.objects.select_related("analyte", "category")},
        status=400 if form.errors else 200,
    )


@officer_required
def lab_test(request: HttpRequest, pk: int) -> HttpResponse:
    test = get_object_or_404(
        LabTest.objects.select_related("analyte", "organization", "facility", "growing_area"), pk=pk
    )
    if not permissions.is_officer_for(request.user, test.organization):
        return forbidden(request)
    return render(
        request,
        "oversight/quality/lab_test.html",
        {
            "section": "quality",
            "test": test,
            "lots": selectors.with_hold_flag(test.lots.all()),
            "holds": test.holds.select_related("lot__product"),
        },
    )


@require_POST
@officer_required
def release_hold(request: HttpRequest, pk: int) -> HttpResponse:
    hold = get_object_or_404(LotHold, pk=pk)
    try:
        services.release_hold(actor=request.user, hold=hold, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        flash_errors(request, exc)
    except Forbidden:
        return forbidden(request)
    else:
        messages.success(request, _("Đã giải toả lô."))
    return redirect(request.POST.get("next") or "oversight:lab_tests")


@officer_required
def max_levels(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "oversight/quality/max_levels.html",
        {"section": "quality", "levels": MaxLevel.objects.select_related("analyte", "category")},
    )


@officer_required
def inspections(request: HttpRequest) -> HttpResponse:
    form = PlanInspectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.plan_inspection(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        except Forbidden:
            return forbidden(request)
        else:
            messages.success(request, _("Đã lên kế hoạch kiểm tra và thông báo cho cơ sở."))
            return redirect("oversight:inspection", inspection.pk)
    return render(
        request,
        "oversight/quality/inspections.html",
        {
            "section": "inspections",
            "form": form,
            "page": paginate(request, selectors.inspections(request.user)),
            "overdue": selectors.overdue_follow_ups(request.user)[:20],
            "violations": selectors.open_violations(request.user)[:20],
            "qs": querystring(request),
        },
        status=400 if form.errors else 200,
    )


@officer_required
def inspection(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Inspection.objects.select_related("facility", "organization", "lead"), pk=pk)
    if not permissions.is_officer_for(request.user, item.organization):
        return forbidden(request)
    form = RecordInspectionForm(
        request.POST or None,
        initial={"findings": item.findings, "verdict": item.verdict, "follow_up_due": item.follow_up_due},
    )
    if request.method == "POST" and request.POST.get("action") == "follow_up":
        try:
            services.confirm_follow_up(actor=request.user, inspection=item, note=request.POST.get("note", ""))
        except ValidationError as exc:
            flash_errors(request, exc)
        return redirect("oversight:inspection", item.pk)
    if request.method == "POST" and form.is_valid():
        checklist = [
            {
                "item": row["item"],
                "result": request.POST.get(f"result-{i}", ""),
                "note": request.POST.get(f"note-{i}", ""),
            }
            for i, row in enumerate(item.checklist)
        ]
        data = dict(form.cleaned_data)
        data["checklist"] = checklist
        data["violations"] = [v for v in data.pop("violations").splitlines() if v.strip()]
        try:
            services.record_inspection(
                actor=request.user, inspection=item, data=data, photos=request.FILES.getlist("photos")
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi biên bản kiểm tra và thông báo cho cơ sở."))
            return redirect("oversight:inspection", item.pk)
    return render(
        request,
        "oversight/quality/inspection.html",
        {
            "section": "inspections",
            "item": item,
            "form": form,
            "results": ChecklistResult.choices,
            "rows": list(enumerate(item.checklist)),
        },
        status=400 if form.errors else 200,
    )


@officer_required
def violations(request: HttpRequest) -> HttpResponse:
    items = selectors.violations(request.user)
    status = request.GET.get("status", "")
    if status in HandlingStatus.values:
        items = items.filter(status=status)
    return render(
        request,
        "oversight/quality/violations.html",
        {
            "section": "inspections",
            "page": paginate(request, items),
            "qs": querystring(request),
            "statuses": HandlingStatus.choices,
            "status": status,
        },
    )


@officer_required
def violation(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Violation.objects.select_related("organization", "facility", "lab_test"), pk=pk)
    if not permissions.is_officer_for(request.user, item.organization):
        return forbidden(request)
    form = ViolationUpdateForm(request.POST or None, initial={"status": item.status, "fine_amount": item.fine_amount})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_violation(actor=request.user, violation=item, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Đã cập nhật tình trạng xử lý."))
            return redirect("oversight:violation", item.pk)
    return render(
        request,
        "oversight/quality/violation.html",
        {"section": "inspections", "item": item, "form": form},
        status=400 if form.errors else 200,
    )
