"""A recall an officer can trust, in headless Chromium against a live server.

The officer (1366×768) starts a recall from a lot, reads the preview (lots, organisations, quantities per unit, a
labelled map), confirms; every downstream lot's page on a consumer's phone (390×844) shows the red banner; the
printable decision opens as a PDF in the administrative format.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from accounts.tests.factories import UserFactory
from catalog.tests.factories import AgencyFactory
from conftest import browser_sign_in
from recalls.models import Recall
from recalls.tests.coffee import coffee_chain
from reports.signers import add_signer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery-9"
SHOTS = Path(os.environ.get("TRUYXUAT_SCREENSHOTS", "/tmp"))


@pytest.fixture(autouse=True)
def _ledger_key(settings, tmp_path):
    settings.TRUYXUAT_LEDGER_KEY_FILE = tmp_path / "ledger.key"


@pytest.fixture
def officer_tab(browser, live_server):
    officer = UserFactory(username="canbo", first_name="Minh", agency=AgencyFactory(name="Sở Khoa học và Công nghệ"))
    add_signer(actor=officer, on_behalf_of="KT. Giám đốc", title="Phó Giám đốc", name="Nguyễn Văn An")
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    tab = context.new_page()
    browser_sign_in(tab, live_server.url, officer, PASSWORD, "/oversight/")
    yield tab
    context.close()


def _boxes_apart(boxes: list[dict[str, float]]) -> bool:
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if (
                a["x"] < b["x"] + b["width"]
                and b["x"] < a["x"] + a["width"]
                and a["y"] < b["y"] + b["height"]
                and b["y"] < a["y"] + a["height"]
            ):
                return False
    return True


def test_recall_with_preview_banner_downstream_and_printable_decision(officer_tab, browser, live_server):
    page = officer_tab
    coffee = coffee_chain()
    page.click("nav.sub >> text=Thu hồi")
    page.click("text=Bắt đầu thu hồi")
    page.select_option("select[name=lot]", str(coffee.beans.pk))
    page.click("form:has(select[name=lot]) button")
    page.fill("textarea[name=reason]", "Ochratoxin A vượt giới hạn, phiếu KN-2612-0045.")
    page.select_option("select[name=hazard_class]", "I")
    page.click("#recall-form button")  # preview: nothing is written yet
    page.wait_for_selector("#recall-confirm")
    assert Recall.objects.count() == 0
    assert page.inner_text("#scope-quantity") == "18.000 kg · 2.400 gói, hộp"
    assert "KN-2612-0045. Không sử dụng" in page.inner_text("#notice-preview")
    parties = page.inner_text("#scope-parties")
    for name in ("HTX Cà phê Đăk Hà", "Công ty Rang xay Măng Đen", "Cửa hàng Nông sản Kon Tum"):
        assert name in parties
    labels = page.locator("#scope-map svg text:has(tspan[font-weight=bold])")
    assert labels.count() == 3
    boxes = [labels.nth(i).bounding_box() for i in range(3)]
    assert all(b is not None and b["height"] >= 14 for b in boxes)  # readable at 1366×768
    assert _boxes_apart([b for b in boxes if b])  # no label over another
    assert page.locator("#scope-map .legend").is_visible()
    assert "urn:epc" not in page.content()
    page.locator("#scope-map").screenshot(path=str(SHOTS / "h5_recall_map_1366.png"))
    page.screenshot(path=str(SHOTS / "h5_recall_preview_1366.png"), full_page=True)
    page.click("#recall-confirm button")
    page.wait_for_selector("#parties")
    recall = Recall.objects.get()
    assert "RX-01" in page.inner_text("#scope") and "urn:epc" not in page.content()
    assert page.inner_text("#recall-progress").startswith("0 kg / 18.000 kg")
    page.screenshot(path=str(SHOTS / "h5_recall_detail_1366.png"), full_page=True)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True)
    consumer = phone.new_page()
    for lot in (coffee.beans, coffee.roast):
        consumer.goto(f"{live_server.url}/01/{lot.product.gtin}/10/{lot.lot_code}")
        banner = consumer.locator(".banner").first
        assert banner.is_visible()
        assert "KN-2612-0045. Không sử dụng" in banner.inner_text() and ".." not in banner.inner_text()
    consumer.screenshot(path=str(SHOTS / "h5_recall_consumer_390.png"))
    phone.close()
    href = page.get_attribute("#recall-documents a >> nth=0", "href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    first = PdfReader(io.BytesIO(response.body())).pages[0].extract_text()
    for line in ("UBND TỈNH QUẢNG NGÃI", "QUYẾT ĐỊNH", f"Số: {recall.decision_number}", "Nguyễn Văn An"):
        assert line in first
    assert recall.decision_number == "01/QĐ-SKHCN"
