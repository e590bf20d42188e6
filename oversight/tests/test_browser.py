"""The officer's journeys in headless Chromium against a live server.

Approve a submitted lot; record a failed lab test that holds lots; start a recall and watch the red banner
appear on the consumer page of a downstream lot; generate the quarterly report and check its figures against
the database.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.permissions import SYSTEM
from accounts.tests.factories import UserFactory
from catalog.models import Lot, PriorityCategory
from catalog.tests.factories import AgencyFactory, GrowingAreaFactory, LotFactory, OrganizationFactory, ProductFactory
from conftest import browser_sign_in
from core.tests.jobs import jobs_worker  # noqa: F401  (the report's job runs while the page waits)
from events.services import capture_events
from events.tests.helpers import lgtin, object_event, transformation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery-9"


@pytest.fixture(autouse=True)
def _reference_data(settings, tmp_path):
    """Each test its own ledger key (the seeded rows come back by serialized rollback: root conftest)."""
    settings.TRUYXUAT_LEDGER_KEY_FILE = tmp_path / "ledger.key"


@pytest.fixture
def page(browser, live_server):
    officer = UserFactory(username="canbo", first_name="Minh", agency=AgencyFactory(name="Sở Khoa học và Công nghệ"))
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="vi-VN")
    tab = context.new_page()
    browser_sign_in(tab, live_server.url, officer, PASSWORD, "/oversight/")  # password, then the TOTP code
    tab.officer = officer
    yield tab
    context.close()


def _lot(org, code, status, **extra):
    area = GrowingAreaFactory(organization=org)
    return LotFactory(
        product=ProductFactory(organization=org, **extra),
        lot_code=code,
        origin_areas=[area],
        status=status,
        published_at=timezone.now() if status == "published" else None,
    )


def test_approve_a_submitted_lot(page, live_server):
    org = OrganizationFactory(name="HTX Rau Măng Đen")
    lot = _lot(org, "RAU-2611", "submitted")
    page.click("text=lô chờ duyệt công bố")
    page.click("#queue >> text=Xem xét")
    assert "RAU-2611" in page.inner_text("h1")
    assert page.is_visible("text=Nội dung gửi duyệt")
    page.click("button[value=approved]")
    page.wait_for_selector("text=Đã ghi quyết định")
    lot.refresh_from_db()
    assert lot.status == "published"
    consumer = page.context.new_page()
    response = consumer.goto(f"{live_server.url}/01/{lot.product.gtin}/10/{lot.lot_code}")
    assert response.status == 200
    consumer.close()


def test_failed_lab_test_holds_lots(page):
    org = OrganizationFactory(name="HTX Rau an toàn")
    vegetables = PriorityCategory.objects.get(code="vegetables")
    lot = _lot(org, "RAU-01", "published", category=vegetables)
    sibling = LotFactory(product=lot.product, lot_code="RAU-02", origin_areas=list(lot.origin_areas.all()))
    page.click("nav.sub >> text=Kiểm nghiệm")
    page.click("text=Ghi kết quả mới")
    page.select_option("select[name=kind]", "laboratory")
    page.select_option("select[name=analyte]", label="Nitrat (NO3-)")
    page.fill("input[name=value]", "812")
    page.fill("input[name=laboratory]", "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 3")
    page.fill("input[name=sampled_on]", "2026-11-02")
    page.select_option("select[name=lots]", [str(lot.pk)])
    page.select_option("select[name=growing_area]", str(lot.origin_areas.get().pk))
    page.click("#lab-test-form button")
    page.wait_for_selector("#holds")
    assert "Không đạt" in page.inner_text("h1")
    holds = page.inner_text("#holds")
    assert "RAU-01" in holds and "RAU-02" in holds
    assert sibling.holds.filter(released_at__isnull=True).count() == 1


def test_recall_puts_banner_on_downstream_consumer_page(page, live_server):
    farm_org = OrganizationFactory(name="HTX Cà phê Đăk Hà")
    plant_org = OrganizationFactory(name="Công ty Rang xay Đăk Hà")
    bean = _lot(farm_org, "CP-01", "published")
    roast = _lot(plant_org, "RX-01", "published")
    a, b = lgtin(bean.product.gtin, "CP-01"), lgtin(roast.product.gtin, "RX-01")
    capture_events(actor=SYSTEM, organization=farm_org, events=[object_event([a], time="2026-11-01T08:00:00+07:00")])
    capture_events(
        actor=SYSTEM, organization=plant_org, events=[transformation([a], [b], time="2026-11-04T08:00:00+07:00")]
    )
    consumer = page.context.new_page()
    downstream = f"{live_server.url}/01/{roast.product.gtin}/10/RX-01"
    consumer.goto(downstream)
    assert consumer.locator(".banner").count() == 0
    page.click("nav.sub >> text=Thu hồi")
    page.click("text=Bắt đầu thu hồi")
    page.select_option("select[name=lot]", str(bean.pk))
    page.click("form:has(select[name=lot]) button")
    page.fill("textarea[name=reason]", "Phát hiện Ochratoxin A vượt giới hạn")
    page.select_option("select[name=hazard_class]", "I")
    page.click("#recall-form button")  # the scope's preview, then the confirmation
    page.click("#recall-confirm button")
    page.wait_for_selector("#parties")
    assert "RX-01" in page.inner_text("#scope")
    assert "Công ty Rang xay Đăk Hà" in page.inner_text("#parties")
    consumer.close()  # the page is public and cacheable for 60 s: a consumer scanning now opens it afresh
    consumer = page.context.browser.new_context(locale="vi-VN").new_page()
    consumer.goto(downstream)
    banner = consumer.locator(".banner")
    assert banner.count() >= 1 and banner.first.is_visible()
    roast.refresh_from_db()
    assert roast.status == "recalled"
    # each party acknowledges (recorded by the officer after a phone call), then the recall is closed
    for form in page.locator("#parties form").all():
        form.locator("input[name=quantity_withdrawn]").fill("100")
        form.locator("button").click()
        page.wait_for_selector("text=Đã ghi xác nhận")
    page.click("text=Kết thúc thu hồi")
    assert "Đã kết thúc" in page.inner_text("#recall-status")
    consumer.context.close()


@pytest.mark.usefixtures("jobs_worker")
def test_quarterly_report_figures_match_the_database(page):
    org = OrganizationFactory(name="HTX Sâm Tu Mơ Rông")
    _lot(org, "SAM-01", "published", ocop_stars=5)
    _lot(org, "SAM-02", "published")
    _lot(org, "SAM-03", "submitted")
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    start = dt.date(today.year, 3 * quarter - 2, 1)
    page.click("nav.sub >> text=Báo cáo")
    page.select_option("select[name=period_kind]", "quarter")
    page.select_option("select[name=number]", str(quarter))
    page.select_option("select[name=year]", str(today.year))
    page.click("#report-form button")
    page.wait_for_selector("#report-done", timeout=30_000)
    published = Lot.objects.filter(published_at__date__gte=start, published_at__date__lte=today).count()
    assert page.inner_text("[data-key=lots_published]") == str(published) == "2"
    assert page.inner_text("[data-key=ocop]") == "1/1"
    with page.expect_download() as info:
        page.click("#download-xlsx")
    workbook = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    rows = {r[1]: r[2] for r in workbook["Tổng hợp"].iter_rows(min_row=9, values_only=True) if r[1]}
    assert rows["Lô công bố trong kỳ"] == published
    assert rows["Lô đang chờ duyệt"] == Lot.objects.filter(status="submitted").count()
    with page.expect_download() as info:
        page.click("#download-pdf")
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF")
