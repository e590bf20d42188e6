"""Training pages: officers record classes, attendances, pilot models and monitored enterprises, merge duplicate
people after confirming, print certificates; anyone verifies a certificate by its QR."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.permissions import agency_of
from catalog.choices import OrganizationKind
from catalog.models import Organization
from oversight.views.common import error_messages, officer_required, paginate
from oversight.views.reports import wards
from reports.indicators import people_by_commune
from training import selectors, services
from training.choices import AttendeeRole, Audience, PilotStatus
from training.models import Attendance, Attendee, Course, MonitoredEnterprise, PilotModel

ATTENDEE_FIELDS = ("full_name", "role", "phone", "id_number", "ward_code")


def _ward(request: HttpRequest) -> int | None:
    value = request.POST.get("ward_code", "")
    return int(value) if value.isdigit() else None


def _organization(request: HttpRequest, errors: dict[str, list[str]]) -> Organization | None:
    tax_code = request.POST.get("tax_code", "").strip()
    if not tax_code:
        return None
    org = Organization.objects.exclude(kind=OrganizationKind.AGENCY).filter(tax_code=tax_code).first()
    if org is None:
        errors["tax_code"] = [_("Không có tổ chức với mã số thuế này. / No organisation has this tax code.")]
    return org


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {"section": "training", "wards": wards(), "roles": AttendeeRole.choices, **extra}


def _fail(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"form": error_messages(exc)}


@officer_required
def courses(request: HttpRequest) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = {k: request.POST.get(k, "") for k in ("topic", "audience", "held_on", "place", "trainer", "materials")}
        try:
            course = services.create_course(actor=request.user, data={**data, "ward_code": _ward(request)})
        except ValidationError as exc:
            errors = _fail(exc)
        else:
            messages.success(request, _("Đã tạo lớp tập huấn."))
            return redirect("training:course", course.pk)
    today = timezone.localdate()
    context = _context(
        request,
        page=paginate(request, Course.objects.all()),
        audiences=Audience.choices,
        errors=errors,
        posted=request.POST,
        year=selectors.year_figures(today.year, today),
        people=people_by_commune(today),  # the same figures as the dashboard and the periodic report
    )
    return render(request, "training/courses.html", context, status=400 if errors else 200)


@officer_required
def course(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Course, pk=pk)
    errors: dict[str, list[str]] = {}
    if request.method == "POST" and request.POST.get("action") == "remove":
        attendance = get_object_or_404(Attendance, pk=request.POST.get("attendance") or 0, course=item)
        if request.POST.get("confirm") != "yes":
            return render(request, "training/confirm_remove.html", _context(request, course=item, item=attendance))
        services.remove_attendance(actor=request.user, attendance=attendance, confirmed=True)
        messages.success(request, _("Đã xoá tên khỏi lớp; giấy chứng nhận không còn giá trị."))
        return redirect("training:course", item.pk)
    if request.method == "POST":
        data: dict[str, Any] = {k: request.POST.get(k, "") for k in ATTENDEE_FIELDS}
        data["ward_code"] = _ward(request)
        data["organization"] = _organization(request, errors)
        if not errors:
            try:
                services.record_attendance(actor=request.user, course=item, data=data)
            except ValidationError as exc:
                errors = _fail(exc)
            else:
                messages.success(request, _("Đã ghi tên người tham dự."))
                return redirect("training:course", item.pk)
    attendances = item.attendances.select_related("attendee", "attendee__organization")
    context = _context(request, course=item, page=paginate(request, attendances), errors=errors, posted=request.POST)
    return render(request, "training/course.html", context, status=400 if errors else 200)


@officer_required
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    attendance = get_object_or_404(
        Attendance.objects.select_related("course", "attendee", "attendee__organization"), pk=pk
    )
    agency = agency_of(request.user) or attendance.course.agency
    from training.views import certificate  # ReportLab loads on the first certificate, not at start-up

    response = HttpResponse(
        certificate.render(attendance, agency.name if agency else ""), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="chung-nhan-{attendance.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@officer_required
def duplicates(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        keep = get_object_or_404(Attendee, pk=request.POST.get("keep") or 0)
        duplicate = get_object_or_404(Attendee, pk=request.POST.get("duplicate") or 0)
        if request.POST.get("confirm") != "yes":
            return render(request, "training/confirm_merge.html", _context(request, keep=keep, duplicate=duplicate))
        try:
            services.merge_attendees(actor=request.user, keep=keep, duplicate=duplicate, confirmed=True)
        except ValidationError as exc:
            for m in error_messages(exc):
                messages.error(request, m)
        else:
            messages.success(request, _("Đã gộp hai bản ghi thành một người."))
        return redirect("training:duplicates")
    return render(request, "training/duplicates.html", _context(request, pairs=selectors.duplicate_pairs()))


@officer_required
def roster(request: HttpRequest) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data: dict[str, Any] = {k: request.POST.get(k, "") for k in ATTENDEE_FIELDS}
        data.update(role=AttendeeRole.OFFICER, ward_code=_ward(request))
        try:
            services.add_attendee(actor=request.user, data=data)
        except ValidationError as exc:
            errors = _fail(exc)
        else:
            messages.success(request, _("Đã thêm cán bộ vào danh sách."))
            return redirect("training:roster")
    officers = selectors.current_attendees().filter(role=AttendeeRole.OFFICER)
    page = paginate(request, officers.prefetch_related("attendances__course"))
    context = _context(request, page=page, errors=errors, posted=request.POST, ward_names=dict(wards()))
    return render(request, "training/roster.html", context, status=400 if errors else 200)


@officer_required
def pilots(request: HttpRequest) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data: dict[str, Any] = {k: request.POST.get(k, "") for k in ("name", "crop", "status", "started_on", "note")}
        data.update(ward_code=_ward(request), organization=_organization(request, errors))
        pilot = None
        if request.POST.get("pilot"):
            pilot = get_object_or_404(PilotModel, pk=request.POST["pilot"])
        if not errors:
            try:
                services.save_pilot_model(actor=request.user, data=data, pilot=pilot)
            except ValidationError as exc:
                errors = _fail(exc)
            else:
                messages.success(request, _("Đã lưu mô hình điểm."))
                return redirect("training:pilots")
    page = paginate(request, PilotModel.objects.select_related("organization"))
    context = _context(
        request, page=page, statuses=PilotStatus.choices, errors=errors, posted=request.POST, ward_names=dict(wards())
    )
    return render(request, "training/pilots.html", context, status=400 if errors else 200)


@officer_required
def monitored(request: HttpRequest) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            if request.POST.get("action") == "end":
                item = get_object_or_404(MonitoredEnterprise, pk=request.POST.get("item") or 0)
                services.end_monitoring(actor=request.user, item=item, until=request.POST.get("until"))
            else:
                org = _organization(request, errors)
                if org is None and not errors:
                    errors["tax_code"] = [_("Cần điền mục này. / This field is required.")]
                if errors:
                    raise ValidationError(errors)
                assert org is not None
                services.start_monitoring(
                    actor=request.user,
                    organization=org,
                    since=request.POST.get("since"),
                    note=request.POST.get("note", ""),
                )
        except ValidationError as exc:
            errors = _fail(exc)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("training:monitored")
    page = paginate(request, MonitoredEnterprise.objects.select_related("organization"))
    context = _context(request, page=page, errors=errors, posted=request.POST, today=timezone.localdate())
    return render(request, "training/monitored.html", context, status=400 if errors else 200)


@require_safe
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: the certificate behind a QR, when its attendance stands; otherwise a plain 'not valid' (404)."""
    attendance = selectors.attendance_by_code(code)
    response = render(request, "training/verify.html", {"attendance": attendance}, status=200 if attendance else 404)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
