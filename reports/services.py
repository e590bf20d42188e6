"""Periodic reports (request, then generate with progress) and entered indicator figures.

`request_report(...)` stores the report (atomic, audited) and enqueues its job (`generate_report`)
in the same transaction; `truyxuat worker` runs it: `generate(job)` computes the figures, renders the XLSX and the
PDF and stores them, updating `progress` as it goes (each update commits on its own, so the page that polls the
report sees it move).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.permissions import Actor, agency_of, person, require
from core import audit
from core.choices import AuditAction
from core.jobs import job
from core.numbers import INDICATOR_VALUE
from quality.services.common import date_field, decimal_field
from reports import indicators as indicator_progress
from reports import stats
from reports.choices import IndicatorMethod, JobStatus
from reports.document_text import abbreviation, date_words, local_province, number_text, superior_line
from reports.models import Indicator, IndicatorFigure, ReportJob
from reports.numbering import take_number
from reports.periods import Period, period
from reports.signers import DEFAULT_TITLE, chosen

__all__ = ["abbreviation", "date_words", "enter_figure", "generate", "meta_for", "request_report"]

log = logging.getLogger(__name__)


def _place() -> str:
    return local_province()[1]


@transaction.atomic
def request_report(
    *,
    actor: Actor,
    period_kind: str,
    year: int,
    number: int = 1,
    ward_code: int | None = None,
    department: str = "",
    signer: int | None = None,
) -> ReportJob:
    """An agency officer asks for a periodic report of the province or of one commune/ward, signed by one of the
    agency's signers (`signer`, an id of `reports.signers.signers_for(actor)`; default the first of them).

    The report takes the agency's next number of the year ("01/BC-SKHCN") and is dated today."""
    require(permissions.is_agency_officer(actor))
    p = period(period_kind, year, number)
    if p.start > timezone.localdate():
        raise ValidationError({"number": [_("Kỳ báo cáo chưa bắt đầu.")]})
    if ward_code:
        from catalog.validators import validate_ward

        try:
            validate_ward(settings.TRUYXUAT_PROVINCE_CODE, int(ward_code))
        except (ValidationError, ValueError) as exc:
            raise ValidationError({"ward_code": [_("Xã, phường không thuộc tỉnh.")]}) from exc
    agency = agency_of(actor)
    with translation.override(settings.LANGUAGE_CODE):  # the issuer is printed on the Vietnamese document
        issuer = agency.name if agency else _("Sở Khoa học và Công nghệ")
    on_behalf_of, title, name = chosen(actor, signer)
    today = timezone.localdate()
    number = take_number(issuer, today.year, "BC")
    job = ReportJob.objects.create(
        period_kind=p.kind,
        year=p.year,
        number=p.number,
        ward_code=int(ward_code) if ward_code else None,
        department=department.strip()[:120],
        issuer=issuer,
        document_number=number_text(number, f"BC-{abbreviation(issuer)}"),
        place=_place(),
        issued_on=today,
        signer_on_behalf_of=on_behalf_of,
        signer_title=title,
        signer_name=name,
        created_by=person(actor),
    )
    audit.record(actor=actor, action=AuditAction.CREATE, instance=job)
    generate_report.enqueue(job.pk)  # commits with the report, or not at all
    return job


def _set(job: ReportJob, progress: int, message: str, **fields: Any) -> None:
    ReportJob.objects.filter(pk=job.pk).update(progress=progress, message=message[:255], **fields)


def meta_for(job: ReportJob, p: Period) -> dict[str, Any]:
    """What the PDF and XLSX print besides the figures: the Decree 30 header, number, date, signer, recipients."""
    scope = stats.ward_name(job.ward_code) if job.ward_code else local_province()[0]
    subtitle = _("Kết quả triển khai truy xuất nguồn gốc sản phẩm nông, lâm, thủy sản %(period)s, %(scope)s") % {
        "period": (p.label[0].lower() + p.label[1:]).replace("quý ", "quý\u00a0"),  # "quý IV" on one line
        "scope": scope if job.ward_code or scope.startswith("Thành phố") else _("tỉnh %(name)s") % {"name": scope},
    }
    if job.department:  # a department's report (issue 25) names it, never its code
        subtitle += f" — {job.department_label}"
    number_part, _slash, symbol = job.document_number.partition("/")
    return {
        "province": local_province()[0],
        "superior": superior_line(local_province()[0]),
        "agency": job.issuer,
        "issuer": job.issuer,
        "number": int(number_part) if number_part.strip().isdigit() else None,
        "symbol": symbol or f"BC-{abbreviation(job.issuer)}",
        "document_number": job.document_number,
        "place": job.place or _place(),
        "date": job.issued_on or timezone.localdate(),
        "start": p.start,
        "end": p.end,
        "subtitle": subtitle,
        "recipients": [_("UBND tỉnh (để báo cáo)"), _("Bộ Khoa học và Công nghệ (để báo cáo)")],
        "signer_on_behalf_of": job.signer_on_behalf_of,
        "signer_title": job.signer_title or DEFAULT_TITLE,
        "signer_name": job.signer_name,
    }


def generate(job: ReportJob) -> ReportJob:
    """Compute and render the report; never raises (a failure is stored on the job with its message).

    The XLSX and PDF are official documents of the province: always in the default language (Vietnamese)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _generate(job)


def _generate(job: ReportJob) -> ReportJob:
    started = time.monotonic()
    p = period(job.period_kind, job.year, job.number)
    _set(job, 2, _("Bắt đầu"), status=JobStatus.RUNNING)
    try:
        figures = stats.figures(
            p.start,
            p.end,
            ward_code=job.ward_code,
            department=job.department,
            progress=lambda pct, step: _set(job, int(pct * 0.8), step),
        )
        _set(job, 70, _("Tiến độ chỉ tiêu"))
        as_of = min(p.end, timezone.localdate())
        indicators = indicator_progress.all_progress(as_of, job.ward_code)
        figures["indicators"] = indicators
        figures["people_by_commune"] = indicator_progress.people_by_commune(as_of, job.ward_code)
        meta = meta_for(job, p)
        _set(job, 80, "XLSX")
        from reports.pdf import render_pdf  # openpyxl and ReportLab load in the worker that renders, not at start-up
        from reports.xlsx import render_xlsx

        xlsx = render_xlsx(figures, indicators, meta)
        _set(job, 90, "PDF")
        pdf = render_pdf(figures, indicators, meta)
        stem = f"bao-cao-{job.period_kind}-{job.number}-{job.year}" + (f"-xa-{job.ward_code}" if job.ward_code else "")
        job.refresh_from_db()
        job.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
        job.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        job.figures = figures
        job.status = JobStatus.DONE
        job.progress = 100
        job.message = _("Đã xong")
        job.finished_at = timezone.now()
        job.seconds = round(time.monotonic() - started, 3)
        job.save()
    except Exception as exc:  # stored for the officer to see; the traceback goes to the log
        log.exception("report %s failed", job.pk)
        _set(job, 100, str(exc)[:255] or exc.__class__.__name__, status=JobStatus.FAILED)
        job.refresh_from_db()
    return job


@job(attempts=3, backoff=60)
def generate_report(report_id: int) -> str:
    """The report's job (`core.jobs`), enqueued by `request_report`: generate the report unless it is done already
    (a job runs at least once: after a worker died mid-report it starts again from the beginning). `generate`
    stores a failure on the report itself."""
    report = ReportJob.objects.filter(pk=report_id).first()
    if report is None or report.status == JobStatus.DONE:
        return "nothing to do"
    return str(generate(report).status)


@transaction.atomic
def enter_figure(*, actor: Actor, indicator: Indicator, as_of: Any, value: Any, note: str = "") -> IndicatorFigure:
    """An officer enters a figure the data cannot tell (trainings, pilot models), as of a date."""
    require(permissions.is_agency_officer(actor))
    if indicator.method != IndicatorMethod.MANUAL:
        raise ValidationError(_("Chỉ tiêu này được tính tự động từ dữ liệu."))
    day = date_field("as_of", as_of)
    assert day is not None
    if day > timezone.localdate():
        raise ValidationError({"as_of": [_("Ngày không được ở tương lai.")]})
    figure = IndicatorFigure.objects.create(
        indicator=indicator,
        as_of=day,
        value=decimal_field("value", value, limits=INDICATOR_VALUE),
        note=note.strip()[:255],
        entered_by=person(actor),
    )
    audit.record(actor=actor, action=AuditAction.CREATE, instance=figure)
    return figure
