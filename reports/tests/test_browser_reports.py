"""An officer on a 1366×768 screen records the agency's signers, makes the quarterly report signed by the deputy
director and downloads a PDF in the state's format; then stops offering a signer after confirming."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader

from accounts.tests.factories import UserFactory
from catalog.tests.factories import AgencyFactory
from conftest import browser_sign_in
from core.tests.jobs import jobs_worker  # noqa: F401  (the report's job runs while the page waits)
from reports.document_text import date_words
from reports.models import ReportJob, ReportSigner

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery-9"


@pytest.fixture(autouse=True)
def _reference_data(settings, tmp_path):
    """Each test its own ledger key (the seeded rows come back by serialized rollback: root conftest)."""
    settings.TRUYXUAT_LEDGER_KEY_FILE = tmp_path / "ledger.key"


@pytest.fixture
def page(browser, live_server):
    officer = UserFactory(username="canbo", agency=AgencyFactory(name="Sở Khoa học và Công nghệ"))
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN", accept_downloads=True)
    tab = context.new_page()
    browser_sign_in(tab, live_server.url, officer, PASSWORD, "/oversight/")
    yield tab
    context.close()


@pytest.mark.usefixtures("jobs_worker")
def test_report_signed_by_the_chosen_signer(page, tmp_path):
    page.click("nav.sub >> text=Báo cáo")
    page.fill("#signer-form input[name=on_behalf_of]", "KT. GIÁM ĐỐC")
    page.fill("#signer-form input[name=title]", "Phó Giám đốc")
    page.fill("#signer-form input[name=name]", "Nguyễn Văn An")
    page.click("#signer-form button")
    page.wait_for_selector("text=Đã thêm người ký.")
    assert page.inner_text("#signer-list").count("Nguyễn Văn An") == 1
    deputy = ReportSigner.objects.get()
    page.fill("#signer-form input[name=title]", "Giám đốc")
    page.fill("#signer-form input[name=name]", "Trần Thị Bình")
    page.click("#signer-form button")
    page.wait_for_selector("text=Đã thêm người ký.")
    options = page.locator("#report-signer option").all_inner_texts()
    assert options == ["GIÁM ĐỐC: Trần Thị Bình", "KT. GIÁM ĐỐC — PHÓ GIÁM ĐỐC: Nguyễn Văn An"]
    page.screenshot(path=str(tmp_path / "reports-form.png"), full_page=True)

    today = timezone.localdate()
    page.select_option("select[name=period_kind]", "quarter")
    page.select_option("select[name=number]", str((today.month - 1) // 3 + 1))
    page.select_option("select[name=year]", str(today.year))
    page.select_option("#report-signer", str(deputy.pk))
    page.click("#report-form button")
    page.wait_for_selector("#report-done", timeout=30_000)
    assert page.inner_text("#report-signer") == "Người ký: KT. GIÁM ĐỐC — PHÓ GIÁM ĐỐC: Nguyễn Văn An"
    with page.expect_download() as info:
        page.click("#download-pdf")
    pages = PdfReader(io.BytesIO(Path(info.value.path()).read_bytes())).pages
    first = [line.strip() for line in pages[0].extract_text().splitlines()]
    assert first[:6] == [
        "UBND TỈNH QUẢNG NGÃI",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 01/BC-SKHCN",
        f"Quảng Ngãi, {date_words(today)}",
    ]
    assert [line.strip() for line in pages[-1].extract_text().splitlines()][-3:] == [
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Nguyễn Văn An",
    ]
    assert ReportJob.objects.get().document_number == "01/BC-SKHCN"

    page.click("text=« Báo cáo định kỳ")
    row = page.locator("#signer-list tr", has_text="Nguyễn Văn An")
    row.locator("summary").click()
    assert row.locator("text=báo cáo đã lập giữ nguyên").is_visible()
    row.locator("button.danger").click()
    page.wait_for_selector("text=Đã thôi dùng người ký này.")
    assert page.locator("#report-signer option").all_inner_texts() == ["GIÁM ĐỐC: Trần Thị Bình"]
    assert "Nguyễn Văn An" in page.inner_text("table.wide >> nth=0")  # the report made keeps its signer
