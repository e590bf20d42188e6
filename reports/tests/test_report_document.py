"""The periodic report as the state's document: number per agency and year, signer chosen by the officer, header,
dates, page numbers, integer chart axes, section numbering; the same in the XLSX; the signer pages."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing

from accounts.tests.factories import UserFactory
from catalog.tests.factories import AgencyFactory
from core.audit import AuditEntry
from core.errors import Forbidden
from reports import pdf, services, signers
from reports.document_text import date_words
from reports.models import DocumentCounter, ReportJob, ReportSigner
from reports.render_common import integer_axis, summary_rows
from reports.tests.test_reports import province  # noqa: F401  (the fixture)


@pytest.fixture
def skhcn_officer(db):
    return UserFactory(username="canbo", agency=AgencyFactory(name="Sở Khoa học và Công nghệ"))


@pytest.fixture
def deputy(skhcn_officer):
    return signers.add_signer(
        actor=skhcn_officer, title="Phó Giám đốc", name="Nguyễn Văn An", on_behalf_of="KT. Giám đốc"
    )


def _report(officer, q, **extra):
    job = services.request_report(actor=officer, period_kind="quarter", year=q.year, number=q.number, **extra)
    job = services.generate(job)
    assert job.status == "done", job.message
    return job


def _pages(job):
    return [page.extract_text() for page in PdfReader(io.BytesIO(job.pdf.read())).pages]


def test_pdf_reads_as_the_decree_asks(province, skhcn_officer, deputy):  # noqa: F811
    job = _report(skhcn_officer, province, signer=deputy.pk)
    assert (job.signer_on_behalf_of, job.signer_title, job.signer_name) == (
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Nguyễn Văn An",
    )
    pages = _pages(job)
    assert len(pages) >= 2
    first = [line.strip() for line in pages[0].splitlines()]
    today = timezone.localdate()
    assert first[:8] == [
        "UBND TỈNH QUẢNG NGÃI",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 01/BC-SKHCN",
        f"Quảng Ngãi, {date_words(today)}",
        "BÁO CÁO",
        "Kết quả triển khai truy xuất nguồn gốc sản phẩm nông, lâm, thủy sản",
    ]
    assert first[8] == f"quý {['I', 'II', 'III', 'IV'][province.number - 1]} năm {province.year}, tỉnh Quảng Ngãi"
    assert f"từ ngày {province.start:%d/%m/%Y} đến ngày {province.end:%d/%m/%Y}" in " ".join(first)
    last = [line.strip() for line in pages[-1].splitlines()]
    assert last[-7:] == [
        "Nơi nhận:",
        "- UBND tỉnh (để báo cáo);",
        "- Bộ Khoa học và Công nghệ (để báo cáo);",
        "- Lưu: VT.",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Nguyễn Văn An",
    ]
    assert "THỦ TRƯỞNG CƠ QUAN" not in " ".join(pages)
    for number, text in enumerate(pages[1:], start=2):
        assert text.splitlines()[0].strip() == str(number)  # page numbers from page 2
    assert not pages[0].splitlines()[0].strip().isdigit()
    assert not re.search(r"\d{4}-\d{2}-\d{2}", " ".join(pages))  # no ISO dates anywhere
    job.pdf.seek(0)
    fonts = {  # charts included: no Helvetica default left anywhere
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for page in PdfReader(io.BytesIO(job.pdf.read())).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts == {"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic", "LiberationSerif-BoldItalic"}


def test_sections_numbered_in_order_with_or_without_the_optional_ones(province, skhcn_officer, organization):  # noqa: F811
    province_wide = _pages(_report(skhcn_officer, province))
    ward = _pages(_report(skhcn_officer, province, ward_code=organization.ward_code))
    for pages, expected in [
        # with the communes', the departments' and the training per commune sections (the businesses on record)
        (province_wide, ["I", "II", "III", "IV", "V", "VI", "VII"]),
        (ward, ["I", "II", "III", "IV", "V", "VI"]),  # one commune: no communes' section, the OCOP one moves up
    ]:
        headings = re.findall(r"^ ?(I|II|III|IV|V|VI|VII|VIII)\. [A-ZĐ]", "\n".join(pages), flags=re.MULTILINE)
        assert headings == expected
        charts = [int(n) for n in re.findall(r"^Biểu đồ (\d+)\.", "\n".join(pages), flags=re.MULTILINE)]
        assert charts == list(range(1, len(charts) + 1)) and charts
    rows = [number for number, _item, _value in summary_rows(ReportJob.objects.first().figures)]
    assert rows[:6] == ["1", "1.1", "1.2", "1.3", "1.4", "2"]
    assert rows[-4:] == ["8", "8.1", "8.2", "8.3"]


def test_numbers_run_per_agency_and_year(province, skhcn_officer, officer):  # noqa: F811
    colleague = UserFactory(username="canbo2", agency=skhcn_officer.agency)
    year = timezone.localdate().year
    first = services.request_report(actor=skhcn_officer, period_kind="year", year=year)
    second = services.request_report(actor=colleague, period_kind="year", year=year)
    other = services.request_report(actor=officer, period_kind="year", year=year)
    assert [first.document_number, second.document_number] == ["01/BC-SKHCN", "02/BC-SKHCN"]
    assert other.document_number.startswith("01/BC-")
    DocumentCounter.objects.filter(issuer="Sở Khoa học và Công nghệ").update(last=9)
    assert services.request_report(actor=skhcn_officer, period_kind="year", year=year).document_number == (
        "10/BC-SKHCN"
    )
    DocumentCounter.objects.filter(issuer="Sở Khoa học và Công nghệ").update(year=year - 1)  # a new year begins
    assert services.request_report(actor=skhcn_officer, period_kind="year", year=year).document_number == (
        "01/BC-SKHCN"
    )


def test_a_refused_request_takes_no_number(skhcn_officer, officer):
    foreign = signers.add_signer(actor=officer, title="Giám đốc", name="Lê Thị Cúc")
    with pytest.raises(ValidationError) as refused:
        services.request_report(actor=skhcn_officer, period_kind="year", year=2025, signer=foreign.pk)
    assert refused.value.message_dict == {"signer": ["Người ký không thuộc cơ quan của bạn."]}
    assert ReportJob.objects.count() == 0
    assert not DocumentCounter.objects.filter(issuer="Sở Khoa học và Công nghệ").exists()


def test_without_signers_the_title_is_printed_and_the_name_left_blank(province, skhcn_officer):  # noqa: F811
    job = _report(skhcn_officer, province)
    assert (job.signer_title, job.signer_name) == ("GIÁM ĐỐC", "")
    last = [line.strip() for line in _pages(job)[-1].splitlines()]
    assert last[-2:] == ["- Lưu: VT.", "GIÁM ĐỐC"]
    assert skhcn_officer.username not in " ".join(last)


def test_signer_services_check_the_agency_and_are_audited(skhcn_officer, officer, deputy, consumer):
    assert list(signers.signers_for(skhcn_officer)) == [deputy]
    assert list(signers.signers_for(officer)) == []
    with pytest.raises(Forbidden):
        signers.retire_signer(actor=officer, signer=deputy)
    with pytest.raises(Forbidden):
        signers.add_signer(actor=consumer, title="Giám đốc", name="X")
    with pytest.raises(ValidationError) as empty:
        signers.add_signer(actor=skhcn_officer, title="  ", name="Trần B")
    assert empty.value.message_dict == {"title": ["Trường này là bắt buộc."]}
    signers.retire_signer(actor=skhcn_officer, signer=deputy)
    assert list(signers.signers_for(skhcn_officer)) == []
    entries = AuditEntry.objects.filter(object_type="reports.reportsigner", object_id=str(deputy.pk))
    assert sorted(entries.values_list("action", flat=True)) == ["create", "update"]


@pytest.mark.parametrize(
    ("maximum", "expected"),
    [
        (0, (1, 1)),
        (1, (1, 1)),
        (3, (1, 3)),
        (6, (1, 6)),
        (7, (2, 8)),
        (12, (2, 12)),
        (13, (5, 15)),
        (31, (10, 40)),
        (1234, (500, 1500)),
        (2.5, (1, 3)),
    ],
)
def test_integer_axis(maximum, expected):
    assert integer_axis(maximum) == expected


def _drawn_words(drawing: Drawing) -> list[str]:
    return PdfReader(io.BytesIO(renderPDF.drawToString(drawing))).pages[0].extract_text().split()


def test_chart_ticks_are_whole_numbers_in_vietnamese():
    small = pdf.bar_chart([("Cà phê", 7.0), ("Sâm", 2.0), ("Mắc ca", 1.0)], "Biểu đồ 1. Số sản phẩm theo nhóm")
    # bar labels, category names (bottom up), the count axis 0…8 in steps of 2, the title
    assert _drawn_words(small) == [
        *("1", "2", "7", "Mắc", "ca", "Sâm", "Cà", "phê"),
        *("0", "2", "4", "6", "8"),
        *("Biểu", "đồ", "1.", "Số", "sản", "phẩm", "theo", "nhóm"),
    ]
    assert _drawn_words(pdf.bar_chart([("Lô", 1234.0)], "Lô")) == ["1.234", "Lô", "0", "500", "1.000", "1.500", "Lô"]
    assert _drawn_words(pdf.bar_chart([("Lô", 1.0)], "Lô")) == ["1", "Lô", "0", "1", "Lô"]  # not 0, 0,5, 1


def test_xlsx_says_the_same(province, skhcn_officer, deputy):  # noqa: F811
    job = _report(skhcn_officer, province, signer=deputy.pk)
    wb = load_workbook(io.BytesIO(job.xlsx.read()))
    ws = wb["Tổng hợp"]
    assert [ws["A1"].value, ws["A2"].value, ws["A3"].value] == [
        "UBND TỈNH QUẢNG NGÃI",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "Số: 01/BC-SKHCN",
    ]
    assert ws["C3"].value == f"Quảng Ngãi, {date_words(timezone.localdate())}"
    assert ws["A7"].value == f"Kỳ báo cáo từ ngày {province.start:%d/%m/%Y} đến ngày {province.end:%d/%m/%Y}."
    rows = {row[1].value: row for row in ws.iter_rows(min_row=10, max_row=60) if row[1].value}
    assert rows["Lô công bố trong kỳ"][0].value == "3.1"
    assert rows["Lô công bố trong kỳ"][2].value == 2
    assert rows["Lô công bố trong kỳ"][2].number_format == "#,##0"
    column_c = [c.value for c in ws["C"] if c.value]
    assert column_c[-3:] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn An"]
    deadline = wb["Chỉ tiêu"]["D2"]
    assert isinstance(deadline.value, dt.datetime) and deadline.number_format == "DD/MM/YYYY"


def test_signer_pages(client, skhcn_officer, officer):
    client.force_login(skhcn_officer)
    url = reverse("oversight:reports")
    response = client.post(
        url, {"action": "add_signer", "on_behalf_of": "kt. giám đốc", "title": "phó giám đốc", "name": "Nguyễn Văn An"}
    )
    assert response.status_code == 302 and response["Location"] == url + "#signers"
    signer = ReportSigner.objects.get()
    assert (signer.on_behalf_of, signer.title, signer.agency_id) == (
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        skhcn_officer.agency_id,
    )
    page = client.get(url).content.decode()
    assert f'<option value="{signer.pk}">KT. GIÁM ĐỐC — PHÓ GIÁM ĐỐC: Nguyễn Văn An</option>' in page
    refused = client.post(url, {"action": "add_signer", "title": "", "name": "X"}, follow=True)
    assert "Trường này là bắt buộc." in refused.content.decode()
    assert ReportSigner.objects.count() == 1
    client.force_login(officer)  # another agency: neither sees nor retires it
    assert "Nguyễn Văn An" not in client.get(url).content.decode()
    assert client.post(url, {"action": "retire_signer", "signer": signer.pk}).status_code == 404
    client.force_login(skhcn_officer)
    year = timezone.localdate().year
    response = client.post(url, {"period_kind": "year", "year": year, "number": 1, "signer": signer.pk})
    job = ReportJob.objects.get()
    assert response["Location"] == reverse("oversight:report", args=[job.pk])
    assert "Người ký: KT. GIÁM ĐỐC — PHÓ GIÁM ĐỐC: Nguyễn Văn An" in client.get(response["Location"]).content.decode()
    client.post(url, {"action": "retire_signer", "signer": signer.pk})
    assert ReportSigner.objects.get().is_active is False
    assert "GIÁM ĐỐC (để trống họ tên)" in client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert "<h2>Signers of the agency's documents</h2>" in english
    assert "Người ký văn bản" not in english
