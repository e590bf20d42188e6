"""Every reports service beyond what test_reports.py covers: who may enter an indicator figure or ask for a report
(the root conftest's actors, an officer of another province, a platform admin), what each writes, what bad input
leaves (nothing), and a failed generation stored on the report instead of raised."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from catalog.tests.factories import AgencyFactory
from core.errors import Forbidden, ValidationError
from core.models import AuditEntry
from reports import services
from reports.models import Indicator, IndicatorFigure, ReportJob

ACTORS = ["anonymous", "consumer", "other_producer", "producer", "officer", "foreign_officer", "admin"]
OFFICERS = {"officer", "admin"}


@pytest.fixture
def people(actors):
    return {
        **actors,
        "foreign_officer": UserFactory(username="foreign", agency=AgencyFactory(province_code=1)),
        "admin": UserFactory(username="admin", is_superuser=True, is_staff=True),
    }


@pytest.fixture
def trained():
    # entered by hand; the plan's training rows are computed since issue 25, so a figure the data cannot tell
    return Indicator.objects.create(
        code="fairs", name="Hội chợ", method="manual", target=Decimal(10), unit="lượt", deadline=dt.date(2025, 12, 31)
    )


def _state():
    return (AuditEntry.objects.count(), IndicatorFigure.objects.count(), ReportJob.objects.count())


@pytest.mark.parametrize("name", ACTORS)
def test_enter_figure(people, trained, name):
    before = _state()
    day = timezone.localdate() - dt.timedelta(days=3)
    if name in OFFICERS:
        figure = services.enter_figure(actor=people[name], indicator=trained, as_of=day, value="42.5", note=" 3 lớp ")
        figure.refresh_from_db()
        assert (figure.indicator, figure.as_of, figure.value, figure.note) == (trained, day, Decimal("42.5"), "3 lớp")
        assert figure.entered_by == people[name]
        entry = AuditEntry.objects.get()
        assert (entry.action, entry.object_type, entry.actor) == ("create", "reports.indicatorfigure", people[name])
    else:
        with pytest.raises(Forbidden):
            services.enter_figure(actor=people[name], indicator=trained, as_of=day, value="42")
        assert _state() == before


@pytest.mark.parametrize(
    ("code", "as_of", "value", "errors"),
    [
        ("ocop-share-2030", "2025-01-01", "1", ["Chỉ tiêu này được tính tự động từ dữ liệu."]),
        ("fairs", "tomorrow", "1", {"as_of": ["Ngày không được ở tương lai."]}),
        ("fairs", "2025-01-01", "nhiều", {"value"}),
        ("fairs", "không phải ngày", "1", {"as_of"}),
    ],
)
def test_enter_figure_refuses_bad_input(officer, trained, code, as_of, value, errors):
    if as_of == "tomorrow":
        as_of = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    before = _state()
    with pytest.raises(ValidationError) as refused:
        services.enter_figure(actor=officer, indicator=Indicator.objects.get(code=code), as_of=as_of, value=value)
    exc = refused.value
    got = exc.messages if isinstance(errors, list) else exc.message_dict
    assert (set(got) if isinstance(errors, set) else got) == errors
    assert _state() == before


@pytest.mark.parametrize("name", ["foreign_officer", "admin"])
def test_request_report_beyond_the_five_actors(people, name):
    year = timezone.localdate().year
    if name in OFFICERS:
        job = services.request_report(actor=people[name], period_kind="year", year=year)
        assert (job.period_kind, job.year, job.created_by) == ("year", year, people[name])
    else:
        with pytest.raises(Forbidden):
            services.request_report(actor=people[name], period_kind="year", year=year)
        assert _state() == (0, 0, 0)


def test_request_report_numbers_and_records_the_report(officer):
    today = timezone.localdate()
    first = services.request_report(actor=officer, period_kind="year", year=today.year, department=" Phòng QLCL ")
    second = services.request_report(actor=officer, period_kind="year", year=today.year)
    symbol = f"BC-{services.abbreviation(officer.agency.name)}"
    assert (first.document_number, second.document_number) == (f"01/{symbol}", f"02/{symbol}")
    assert (first.issuer, first.issued_on, first.department) == (officer.agency.name, today, "Phòng QLCL")
    assert list(AuditEntry.objects.order_by("pk").values_list("object_type", "object_id")) == [
        ("reports.reportjob", str(first.pk)),
        ("reports.reportjob", str(second.pk)),
    ]


def test_a_ward_outside_the_province_is_refused(officer):
    with pytest.raises(ValidationError) as refused:
        services.request_report(actor=officer, period_kind="year", year=2025, ward_code=1)
    assert refused.value.message_dict == {"ward_code": ["Xã, phường không thuộc tỉnh."]}
    assert _state() == (0, 0, 0)


def test_a_failed_generation_is_stored_on_the_report(officer):
    job = ReportJob.objects.create(
        period_kind="year", year=2025, number=1, issuer="Sở Thử nghiệm", document_number="01/BC-STN"
    )
    with mock.patch("reports.pdf.render_pdf", side_effect=RuntimeError("hết giấy")):
        job = services.generate(job)
    assert (job.status, job.progress, job.message) == ("failed", 100, "hết giấy")
    assert (bool(job.pdf), bool(job.xlsx)) == (False, False)
