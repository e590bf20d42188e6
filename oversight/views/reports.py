"""Dashboards (province and commune/ward), programme indicators, periodic reports with progress."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from vietnam_provinces import Ward

from catalog.choices import Department, PriorityGroup
from catalog.models import Facility, PriorityCategory
from core import charts as svg
from core import files
from core.forms import read_field
from core.numbers import INDICATOR_VALUE
from oversight.views.common import flash_errors, officer_required, paginate
from reports import indicators as indicator_progress
from reports import services, signers, stats
from reports.choices import IndicatorMethod, JobStatus, PeriodKind
from reports.file_access import spreadsheet_type
from reports.models import Indicator, ReportJob
from reports.periods import current_quarter, period


def wards() -> list[tuple[int, str]]:
    code = settings.TRUYXUAT_PROVINCE_CODE
    return sorted(
        ((int(w.code), w.name) for w in Ward.iter_by_province(code)),  # type: ignore[arg-type]
        key=lambda w: w[1],
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@officer_required
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    q = current_quarter(today)
    try:
        start = dt.date.fromisoformat(request.GET.get("from") or q.start.isoformat())
        end = dt.date.fromisoformat(request.GET.get("to") or today.isoformat())
    except ValueError:
        start, end = q.start, today
    if end < start:
        start, end = end, start
    ward_code = _int(request.GET.get("ward"))
    category = request.GET.get("category") or None
    f = stats.figures(start, end, ward_code=ward_code, category=category)
    facilities = Facility.objects.exclude(latitude=None).select_related("organization")
    if ward_code:
        facilities = facilities.filter(organization__ward_code=ward_code)
    points = [
        {
            "lat": float(x.latitude or 0),
            "lon": float(x.longitude or 0),
            "name": x.name,
            "root": x.organization.status != "approved",
        }
        for x in facilities[:400]
    ]
    charts = {
        "products": svg.bar_chart([(n, v) for n, v in f["products"]["by_category"]], title=_("Sản phẩm theo nhóm")),
        "lots": svg.bar_chart(
            [(n, v) for n, v in f["lots"]["published_by_category"]], title=_("Lô công bố trong kỳ theo nhóm")
        ),
        "groups": svg.bar_chart(
            [(str(PriorityGroup(g).label), v) for g, v in f["products"]["by_group"].items()],
            title=_("Sản phẩm theo nhóm ưu tiên"),
        ),
        "wards": svg.bar_chart([(r[0], r[1]) for r in f.get("by_ward", [])[:15]], title=_("Tổ chức theo xã, phường")),
        "map": svg.point_map(points, title=_("Cơ sở có toạ độ")),
    }
    return render(
        request,
        "oversight/reports/dashboard.html",
        {
            "section": "dashboard",
            "f": f,
            "charts": charts,
            "start": start,
            "end": end,
            "ward_code": ward_code,
            "category": category or "",
            "wards": wards(),
            "categories": PriorityCategory.objects.filter(is_active=True),
            "indicators": indicator_progress.all_progress(today, ward_code),
            "people": indicator_progress.people_by_commune(today, ward_code),
        },
    )


@officer_required
def indicators(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        indicator = get_object_or_404(Indicator, pk=_int(request.POST.get("indicator")) or 0)
        try:
            services.enter_figure(
                actor=request.user,
                indicator=indicator,
                as_of=request.POST.get("as_of"),
                value=read_field("value", request.POST.get("value"), INDICATOR_VALUE, required=True),
                note=request.POST.get("note", ""),
            )
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Đã ghi số liệu."))
        return redirect("oversight:indicators")
    rows = [(i, indicator_progress.progress(i)) for i in Indicator.objects.filter(is_active=True)]
    return render(
        request,
        "oversight/reports/indicators.html",
        {"section": "indicators", "rows": rows, "manual": IndicatorMethod.MANUAL, "today": timezone.localdate()},
    )


def _signer_action(request: HttpRequest) -> HttpResponse:
    """Add a signer of the agency, or stop offering one (after its confirmation step)."""
    try:
        if request.POST.get("action") == "add_signer":
            signers.add_signer(
                actor=request.user,
                title=request.POST.get("title", ""),
                name=request.POST.get("name", ""),
                on_behalf_of=request.POST.get("on_behalf_of", ""),
            )
            messages.success(request, _("Đã thêm người ký."))
        else:
            signer = get_object_or_404(signers.signers_for(request.user), pk=_int(request.POST.get("signer")) or 0)
            signers.retire_signer(actor=request.user, signer=signer)
            messages.success(request, _("Đã thôi dùng người ký này."))
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect(reverse("oversight:reports") + "#signers")


@officer_required
def reports(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    if request.method == "POST" and request.POST.get("action") in ("add_signer", "retire_signer"):
        return _signer_action(request)
    if request.method == "POST":
        try:
            job = services.request_report(
                actor=request.user,
                period_kind=request.POST.get("period_kind", ""),
                year=_int(request.POST.get("year")) or 0,
                number=_int(request.POST.get("number")) or 1,
                ward_code=_int(request.POST.get("ward")),
                department=request.POST.get("department", ""),
                signer=_int(request.POST.get("signer")),
            )
        except ValidationError as exc:
            flash_errors(request, exc)
        else:  # its job was enqueued with it; `truyxuat worker` makes it while the report's page shows progress
            return redirect("oversight:report", job.pk)
    q = current_quarter(today)
    page = paginate(request, ReportJob.objects.select_related("created_by"))
    names = dict(wards())
    return render(
        request,
        "oversight/reports/list.html",
        {
            "section": "reports",
            "page": page,
            "rows": [(j, names.get(j.ward_code or 0, str(j.ward_code or ""))) for j in page],  # names, not codes
            "kinds": PeriodKind.choices,
            "departments": [c for c in Department.choices if c[0] != Department.GENERAL],
            "years": list(range(today.year, today.year - 6, -1)),
            "quarter": q,
            "wards": wards(),
            "signers": signers.signers_for(request.user),
            "signer_titles": ["GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "CHI CỤC TRƯỞNG", "PHÓ CHI CỤC TRƯỞNG"],
            "authorities": ["KT. GIÁM ĐỐC", "TL. GIÁM ĐỐC", "TUQ. GIÁM ĐỐC", "Q. GIÁM ĐỐC"],
        },
    )


@officer_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ReportJob, pk=pk)
    p = period(job.period_kind, job.year, job.number)
    template = "oversight/reports/progress.html" if getattr(request, "htmx", False) else "oversight/reports/report.html"
    return render(
        request,
        template,
        {
            "section": "reports",
            "job": job,
            "period": p,
            "running": job.status in (JobStatus.QUEUED, JobStatus.RUNNING),
            "ward": stats.ward_name(job.ward_code),
        },
    )


@officer_required
def report_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    job = get_object_or_404(ReportJob, pk=pk, status=JobStatus.DONE)
    field = {"xlsx": job.xlsx, "pdf": job.pdf}.get(fmt)
    if not field:
        raise Http404
    return files.file_response(field, content_type=spreadsheet_type)  # private, no-store; type by content
