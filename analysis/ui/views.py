"""The analysis pages: the officer's dashboard (trends, forecasts, ranked inspection list, the last run), flags
and their evidence (dismiss with a reason), the reference tables; the producer's data-quality score and flags
(answer with an explanation). Each write calls one service."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import agency_of, is_officer_for
from analysis import learning, learning_services, scores, selectors, services, tasks
from analysis.choices import FlagKind, FlagStatus, ProposalStatus, RunStatus, YieldSource
from analysis.models import ConversionFactor, Flag, QualityScore, ReferenceYield
from analysis.references import DEFAULT_FACTORS
from analysis.texts import how_to_contest, sentence
from analysis.ui.charts import forecast_chart
from catalog.models import Organization
from core.charts import bubble_map, point_map
from core.forms import read_field
from core.numbers import Limits
from oversight.views.common import error_messages, officer_required, paginate
from workspace.views.common import member_view

YIELD_LIMITS = Limits(max_digits=12, decimal_places=2)
COUNT_LIMITS = Limits(max_digits=6, decimal_places=0)
K_LIMITS = Limits(max_digits=4, decimal_places=2)
RATIO_LIMITS = Limits(max_digits=7, decimal_places=4, max_value=Decimal(10))


def _locale() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def _province(request: HttpRequest) -> int | None:
    agency = agency_of(request.user)
    return agency.province_code if agency else None


def _flag_view(flag: Flag) -> dict[str, Any]:
    source = flag.thresholds.get("yield_source") if isinstance(flag.thresholds, dict) else None
    return {
        "flag": flag,
        "sentence": sentence(flag.kind, flag.facts),
        "contest": how_to_contest(flag.kind),
        "yield_source": YieldSource(source).label if source in YieldSource.values else "",
    }


def _map(flag: Flag) -> str:
    if not flag.points:
        return ""
    points = [{"lat": p[0], "lon": p[1], "name": p[2], "root": i == 0} for i, p in enumerate(flag.points)]
    lines = [((a[0], a[1]), (b[0], b[1])) for a, b in zip(flag.points, flag.points[1:], strict=False)]
    if flag.kind != FlagKind.STAMP_TRAVEL:
        lines = []
    return point_map(points, lines=lines, title=str(FlagKind(flag.kind).label), width=560, height=360)


@officer_required
def dashboard(request: HttpRequest) -> HttpResponse:
    province = _province(request)
    run, done = selectors.latest_run(), selectors.latest_done()
    forecasts = []
    for crop, fc in sorted(((done.counts.get("forecasts") or {}) if done else {}).items()):
        if "months" not in fc:
            continue
        rows = list(zip(fc["months"][len(fc["history"]) :], fc["mean"], fc["lower"], fc["upper"], strict=False))
        chart = forecast_chart(fc, title=crop, locale=_locale())
        forecasts.append({"crop": crop, "fc": fc, "chart": chart, "rows": rows})
    orgs = list(Organization.objects.exclude(kind="agency").filter(**({"province_code": province} if province else {})))
    found = dict(QualityScore.objects.filter(organization__in=orgs).values_list("organization_id", "score"))
    ranked = paginate(request, scores.ranking(orgs, found, run.started_at.date() if run else timezone.localdate()))
    scans = selectors.scans_by_region(province)
    return render(
        request,
        "analysis/dashboard.html",
        {
            "section": "analysis",
            "run": run,
            "running": run is not None and run.status == RunStatus.RUNNING,
            "done": done,
            "forecasts": forecasts,
            "page": ranked,
            "production": selectors.production_by_crop_and_commune(province)[:20],
            "published": selectors.published_by_category(province)[:20],
            "scan_map": bubble_map(scans[:30], title=_("Lượt quét theo nơi"), empty="") if scans else "",
            "open_flags": selectors.flags_for_officer(request.user).filter(status=FlagStatus.OPEN).count(),
            "proposals": selectors.proposals_for_officer(request.user).filter(status=ProposalStatus.PROPOSED).count(),
        },
    )


@officer_required
@require_POST
def run_now(request: HttpRequest) -> HttpResponse:
    tasks.request_run(actor=request.user)
    messages.success(request, _("Đã yêu cầu chạy phân tích; trang tự cập nhật tiến độ."))
    return redirect("analysis:dashboard")


@officer_required
def flags(request: HttpRequest) -> HttpResponse:
    rows = selectors.flags_for_officer(request.user)
    status = request.GET.get("status", FlagStatus.OPEN)
    kind = request.GET.get("kind", "")
    if status in FlagStatus.values:
        rows = rows.filter(status=status)
    if kind in FlagKind.values:
        rows = rows.filter(kind=kind)
    page = paginate(request, rows)
    items = [_flag_view(f) for f in page]
    qs = f"status={status}&kind={kind}"
    return render(
        request,
        "analysis/flags.html",
        {
            "section": "analysis",
            "page": page,
            "items": items,
            "status": status,
            "kind": kind,
            "qs": qs,
            "kinds": FlagKind.choices,
            "statuses": FlagStatus.choices,
        },
    )


@officer_required
def flag_detail(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_object_or_404(selectors.flags_for_officer(request.user), pk=pk)
    errors: list[str] = []
    if request.method == "POST":
        if request.POST.get("confirm") != "1":
            errors.append(_("Đánh dấu xác nhận trước khi bác bỏ cảnh báo."))
        else:
            try:
                services.dismiss_flag(actor=request.user, flag=flag, reason=request.POST.get("reason", ""))
            except ValidationError as exc:
                errors = error_messages(exc)
            else:
                messages.success(request, _("Đã bác bỏ cảnh báo; lý do được lưu vào sổ cái."))
                return redirect("analysis:flag", pk=flag.pk)
    return render(
        request,
        "analysis/flag.html",
        {
            "section": "analysis",
            **_flag_view(flag),
            "map": _map(flag),
            "errors": errors,
            "may_dismiss": is_officer_for(request.user, flag.organization) if flag.organization else True,
        },
    )


def _numbers(data: Any, fields: dict[str, Limits]) -> tuple[dict[str, Decimal], dict[str, list[str]]]:
    """Every number of the form read the Vietnamese way, with every error at once."""
    values: dict[str, Decimal] = {}
    errors: dict[str, list[str]] = {}
    for name, limits in fields.items():
        try:
            values[name] = read_field(name, data.get(name), limits, required=True) or Decimal(0)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    return values, errors


@officer_required
def references(request: HttpRequest) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        post = request.POST
        if post.get("table") == "learning":
            return _learning_settings(request)
        factor = post.get("table") == "factor"
        fields = (
            {"min_ratio": RATIO_LIMITS, "max_ratio": RATIO_LIMITS}
            if factor
            else {"min_kg": YIELD_LIMITS, "max_kg": YIELD_LIMITS}
        )
        values, errors = _numbers(post, fields)
        if not errors:
            try:
                if factor:
                    services.set_conversion_factor(
                        actor=request.user,
                        label=post.get("label", ""),
                        input_name=post.get("input_name", ""),
                        output_name=post.get("output_name", ""),
                        min_ratio=values["min_ratio"],
                        max_ratio=values["max_ratio"],
                        note=post.get("note", ""),
                    )
                else:
                    services.set_reference_yield(
                        actor=request.user,
                        crop=post.get("crop", ""),
                        min_kg=values["min_kg"],
                        max_kg=values["max_kg"],
                        note=post.get("note", ""),
                    )
            except ValidationError as exc:
                errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            else:
                messages.success(request, _("Đã lưu phiên bản mới; lần phân tích sau dùng phiên bản này."))
                return redirect("analysis:references")
    return render(
        request,
        "analysis/references.html",
        {
            "section": "analysis",
            "yields": ReferenceYield.objects.select_related("proposal")[:100],
            "proposals": selectors.proposals_for_officer(request.user)[:50],
            "learning": selectors.learning_settings_for(request.user)[:20],
            "defaults_learning": learning.DEFAULT,
            "factors": ConversionFactor.objects.all()[:100],
            "defaults": DEFAULT_FACTORS,
            "errors": errors,
            "post": request.POST,
        },
    )


def _learning_settings(request: HttpRequest) -> HttpResponse:
    """The learning thresholds' form: whole numbers for seasons and areas, k typed the Vietnamese way."""
    values, errors = _numbers(request.POST, {"min_seasons": COUNT_LIMITS, "min_areas": COUNT_LIMITS, "mad_k": K_LIMITS})
    if not errors:
        try:
            learning_services.set_learning_settings(
                actor=request.user,
                min_seasons=int(values["min_seasons"]),
                min_areas=int(values["min_areas"]),
                mad_k=values["mad_k"],
                note=request.POST.get("note", ""),
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        else:
            messages.success(request, _("Đã lưu phiên bản mới của ngưỡng học năng suất."))
            return redirect("analysis:references")
    for m in [m for msgs in errors.values() for m in msgs]:
        messages.error(request, m)
    return redirect("analysis:references")


@officer_required
@require_POST
def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept or reject a learned yield range; either needs the confirmation box, a rejection its reason."""
    row = get_object_or_404(selectors.proposals_for_officer(request.user), pk=pk)
    action = request.POST.get("action")
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Đánh dấu xác nhận trước khi chấp nhận hoặc từ chối đề xuất."))
        return redirect("analysis:references")
    try:
        if action == "accept":
            ref = learning_services.accept_proposal(actor=request.user, proposal=row, note=request.POST.get("note", ""))
            messages.success(
                request,
                _("Đã chấp nhận: phiên bản %(v)s của bảng năng suất; lần phân tích sau dùng phiên bản này.")
                % {"v": ref.version},
            )
        elif action == "reject":
            learning_services.reject_proposal(actor=request.user, proposal=row, reason=request.POST.get("note", ""))
            messages.success(request, _("Đã từ chối đề xuất; lý do được lưu vào sổ cái."))
        else:
            messages.error(request, _("Chọn chấp nhận hoặc từ chối."))
    except ValidationError as exc:
        for m in error_messages(exc):
            messages.error(request, m)
    return redirect("analysis:references")


@member_view
def mine(request: HttpRequest) -> HttpResponse:
    org: Organization = request.org  # type: ignore[attr-defined]
    score = QualityScore.objects.filter(organization=org).first()
    page = paginate(request, selectors.flags_for_organization(org), size=10)
    return render(
        request,
        "analysis/mine.html",
        {
            "nav": "home",
            "score": score,
            "hints": scores.hints(score.parts) if score else [],
            "page": page,
            "items": [_flag_view(f) for f in page],
        },
    )


@member_view
@require_POST
def contest(request: HttpRequest, pk: int) -> HttpResponse:
    flag = Flag.objects.filter(pk=pk, organization=request.org).first()  # type: ignore[attr-defined]
    if flag is None:
        raise Http404
    try:
        services.contest_flag(actor=request.user, flag=flag, note=request.POST.get("note", ""))
    except ValidationError as exc:
        for m in error_messages(exc):
            messages.error(request, m)
    except PermissionDenied:
        raise
    else:
        messages.success(request, _("Đã gửi giải trình cho cơ quan quản lý."))
    return redirect("analysis:mine")
