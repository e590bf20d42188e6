"""Consumer journeys on a 390×844 phone in headless Chromium against a live server: an accentless search finds the
product (the ledger badge opens on tap, no request answers 404: favicon); a counterfeit report from an unknown code
with a photo and a shared location reaches the list of the province's officer (1366×768)."""

from __future__ import annotations

from pathlib import Path

import pytest

from accounts.tests.factories import UserFactory
from catalog.models import PriorityCategory
from catalog.tests.factories import AgencyFactory, GrowingAreaFactory, LotFactory, OrganizationFactory, ProductFactory
from conftest import browser_sign_in
from core.tests.filematrix import png
from feedback.models import Feedback

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery-9"
SHOTS = Path("/tmp/h8")
UNKNOWN = "/01/08938505974200/10/GIA-01"


@pytest.fixture(autouse=True)
def _reference_data(settings, tmp_path):
    """Each test its own ledger key (the seeded rows come back by serialized rollback: root conftest)."""
    settings.TRUYXUAT_LEDGER_KEY_FILE = tmp_path / "ledger.key"


def _phone(browser, **extra):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", **extra)
    page = context.new_page()
    page.failures = []
    # sub-resources only (icons, styles, scripts, images): the unknown code's own page is a 404 on purpose
    page.on(
        "response",
        lambda r: page.failures.append(r.url) if r.status >= 400 and r.request.resource_type != "document" else None,
    )
    return context, page


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / name), full_page=True)


def test_accentless_search_finds_the_product(browser, live_server):
    org = OrganizationFactory(name="Hợp tác xã Sâm Ngọc Linh Tu Mơ Rông")
    product = ProductFactory(
        organization=org,
        name="Sâm Ngọc Linh củ tươi",
        category=PriorityCategory.objects.get(code="ngoc-linh-ginseng"),
    )
    LotFactory(
        product=product, lot_code="SNL-2611", status="published", origin_areas=[GrowingAreaFactory(organization=org)]
    )
    context, page = _phone(browser)
    page.goto(f"{live_server.url}/")
    page.fill("main form.search input[name=q]", "sam ngoc linh")
    page.click("main form.search button")
    page.wait_for_url("**/tim-kiem/**")
    assert page.locator("#products a").all_inner_texts() == ["Sâm Ngọc Linh củ tươi"]
    assert "SNL-2611" in page.locator("#lots").inner_text()
    assert page.locator("#no-results").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, "search-found.png")
    page.click("#lots a")
    page.wait_for_selector("#ledger-badge")
    explanation = page.locator("#ledger-explain")
    assert not explanation.is_visible()
    page.click("#ledger-badge summary")  # a tap, not a hover
    assert explanation.is_visible() and "không sửa được" in explanation.inner_text()
    _shot(page, "lot-ledger-open.png")
    page.goto(f"{live_server.url}/tim-kiem/?q=sam+ngok+linh")
    assert page.locator("#no-results h2").inner_text() == "Không tìm thấy"
    assert page.locator("#suggestions a").all_inner_texts() == ["Sâm Ngọc Linh củ tươi"]
    assert "chưa được đăng ký" not in page.locator("main").inner_text()
    _shot(page, "search-empty.png")
    assert page.failures == []  # no favicon 404, no missing static file
    context.close()


def test_counterfeit_report_reaches_the_officer(browser, live_server, tmp_path):
    agency = AgencyFactory(name="Sở Khoa học và Công nghệ Quảng Ngãi")
    officer = UserFactory(username="canbo", first_name="Minh", agency=agency)
    photo = tmp_path / "tem.png"
    photo.write_bytes(png("orange"))
    context, page = _phone(
        browser, geolocation={"latitude": 14.3541, "longitude": 108.0079}, permissions=["geolocation"]
    )
    page.goto(f"{live_server.url}{UNKNOWN}")
    assert page.locator("#not-registered").is_visible()
    page.click("#report-counterfeit")
    page.wait_for_url("**/phan-anh/hang-nghi-gia?code=*")
    assert page.input_value("input[name=code]") == UNKNOWN
    page.set_input_files("input[name=photo]", str(photo))
    page.fill("input[name=where_bought]", "Chợ trung tâm, quầy 12")
    page.fill("textarea[name=message]", "Tem không quét ra sản phẩm")
    page.click("#share-location")
    page.wait_for_function("document.querySelector('input[name=latitude]').value !== ''")
    assert page.input_value("input[name=latitude]") == "14.35"
    _shot(page, "counterfeit-form.png")
    page.click("#counterfeit-submit")
    page.wait_for_url("**/phan-anh/PA-*?moi=1")
    tracking = page.locator("#tracking-code").inner_text()
    assert page.locator("#reported-code").inner_text() == UNKNOWN
    _shot(page, "counterfeit-sent.png")
    assert page.failures == []
    context.close()

    item = Feedback.objects.get(tracking_code=tracking)
    assert item.kind == "counterfeit" and item.organization == agency and str(item.latitude) == "14.3500"

    desk = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    tab = desk.new_page()
    browser_sign_in(tab, live_server.url, officer, PASSWORD, "/oversight/")
    tab.click("nav.sub >> text=Hàng nghi giả")
    tab.wait_for_url("**/oversight/hang-nghi-gia/")
    row = tab.locator("#counterfeit-list tr", has_text=tracking)
    assert "Chợ trung tâm, quầy 12" in row.inner_text() and "Mã chưa đăng ký" in row.inner_text()
    assert tab.locator("#counterfeit-map svg circle").count() == 1
    _shot(tab, "officer-counterfeit-list.png")
    row.locator("a").first.click()
    tab.wait_for_selector("#report-photo")
    assert tab.evaluate("document.getElementById('report-photo').naturalWidth") > 0  # the private photo opens
    tab.click("text=Trả lời, xử lý trong hồ sơ phản ánh")
    tab.wait_for_url("**/oversight/phan-anh/*/")
    assert tracking in tab.locator("main").inner_text()
    desk.close()
