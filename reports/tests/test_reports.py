"""Periodic reports: figures checked against the database, XLSX and PDF produced, permissions."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from catalog.models import Lot, Organization
from catalog.tests.factories import CertificateFactory, LotFactory, OrganizationFactory, ProductFactory
from core.errors import Forbidden
from quality.models import Analyte, LabTest
from reports import indicators, services, stats
from reports.models import Indicator, ReportJob
from reports.periods import period
from reports.services import abbreviation, date_words

ACTORS = ["anonymous", "consumer", "other_producer", "producer", "officer"]


@pytest.fixture
def province(organization, other_organization):
    """Two producers with products; lots published inside and outside the last quarter."""
    today = timezone.localdate()
    q = period("quarter", today.year, (today.month - 1) // 3 + 1)
    inside = timezone.make_aware(dt.datetime.combine(q.start, dt.time(9)))
    before = inside - dt.timedelta(days=200)
    ocop = ProductFactory(organization=organization, ocop_stars=4)
    ProductFactory(organization=organization, ocop_stars=3)  # OCOP without traceability
    plain = ProductFactory(organization=other_organization)
    LotFactory(product=ocop, status="published", published_at=inside)
    LotFactory(product=plain, status="published", published_at=inside)
    LotFactory(product=plain, status="published", published_at=before)
    LotFactory(product=plain, status="submitted")
    OrganizationFactory(status="pending", kind="household")
    CertificateFactory(
        organization=organization, valid_from=q.start - dt.timedelta(days=400), valid_to=q.end + dt.timedelta(days=30)
    )
    LabTest.objects.create(
        kind="rapid",
        analyte=Analyte.objects.get(code="borax"),
        value=1,
        unit="mg/kg",
        limit=0,
        passed=False,
        laboratory="Test nhanh",
        sampled_on=q.start,
        organization=organization,
    )
    return q


def test_figures_match_the_database(province, organization):
    q = province
    f = stats.figures(q.start, q.end)
    producers = Organization.objects.exclude(kind="agency")
    assert f["organizations"]["total"] == producers.count() == 3
    assert f["organizations"]["by_status"] == {"pending": 1, "approved": 2, "suspended": 0}
    assert f["lots"]["published_in_period"] == 2
    assert f["lots"]["total"] == Lot.objects.count() == 4
    assert f["lots"]["by_status"]["submitted"] == 1
    assert f["ocop"] == {"total": 2, "traced": 1, "untraced": 1, "untraced_list": [f["ocop"]["untraced_list"][0]]}
    assert f["lab_tests"] == {"total": 1, "failed": 1, "rapid": 1, "by_group": {"preservative": 1}}
    assert f["certificates"]["expiring_90d"] == 1
    assert f["products"]["traced"] == 2
    ward = stats.figures(q.start, q.end, ward_code=organization.ward_code)
    assert ward["organizations"]["total"] == 3  # all factories share one ward
    assert "by_ward" not in ward
    assert stats.figures(q.start, q.end, ward_code=23500)["organizations"]["total"] == 0


def test_indicators_computed_and_entered(province, officer):
    business = indicators.progress(Indicator.objects.get(code="business-share-2025"))
    assert business["value"] == "100" and business["how"] == "2/2" and business["met"] is True
    ocop = indicators.progress(Indicator.objects.get(code="ocop-share-2030"))
    assert ocop["value"] == "50" and ocop["how"] == "1/2"
    trained = Indicator.objects.create(  # training indicators are computed now (issue 25): a figure the data lacks
        code="fairs", name="Hội chợ", method="manual", target=Decimal(10), unit="lượt", deadline=dt.date(2025, 12, 31)
    )
    services.enter_figure(actor=officer, indicator=trained, as_of=timezone.localdate(), value="42", note="3 hội chợ")
    assert indicators.progress(trained)["value"] == "42"
    with pytest.raises(ValidationError):
        services.enter_figure(
            actor=officer, indicator=Indicator.objects.get(code="ocop-share-2030"), as_of="2025-01-01", value=1
        )


def test_quarterly_report_files(province, officer):
    q = province
    job = services.request_report(actor=officer, period_kind="quarter", year=q.year, number=q.number)
    assert job.document_number == f"01/BC-{abbreviation(officer.agency.name)}"
    job = services.generate(job)
    assert job.status == "done", job.message
    assert job.progress == 100
    assert job.figures["lots"]["published_in_period"] == 2
    wb = load_workbook(io.BytesIO(job.xlsx.read()))
    summary = wb["Tổng hợp"]
    values = {row[1]: row[2] for row in summary.iter_rows(min_row=10, max_row=60, values_only=True) if row[1]}
    assert values["Lô công bố trong kỳ"] == 2
    assert values["Sản phẩm OCOP chưa truy xuất"] == 1
    assert summary["C1"].value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert wb["Theo nhóm sản phẩm"]._charts
    pdf = job.pdf.read()
    assert pdf.startswith(b"%PDF-")


@pytest.mark.parametrize("name", ACTORS)
def test_request_report_permission_matrix(actors, name):
    today = timezone.localdate()
    if name == "officer":
        assert services.request_report(actor=actors[name], period_kind="year", year=today.year)
    else:
        with pytest.raises(Forbidden):
            services.request_report(actor=actors[name], period_kind="year", year=today.year)
        assert ReportJob.objects.count() == 0


def test_bad_periods_are_refused(officer):
    with pytest.raises(ValidationError):
        services.request_report(actor=officer, period_kind="quarter", year=2026, number=5)
    with pytest.raises(ValidationError):
        services.request_report(actor=officer, period_kind="year", year=timezone.localdate().year + 1)
    with pytest.raises(ValidationError):
        services.request_report(actor=officer, period_kind="year", year=2025, ward_code=1)
    assert ReportJob.objects.count() == 0


def test_wording():
    assert date_words(dt.date(2027, 1, 5)) == "ngày 05 tháng 01 năm 2027"
    assert date_words(dt.date(2026, 11, 23)) == "ngày 23 tháng 11 năm 2026"
    assert abbreviation("Sở Khoa học và Công nghệ") == "SKHCN"
    assert abbreviation("Sở Nông nghiệp và Môi trường") == "SNNMT"
    assert period("half", 2026, 2).start == dt.date(2026, 7, 1)
    assert period("quarter", 2026, 4).end == dt.date(2026, 12, 31)
