"""A failed lab test, as a consumer sees it on a 390×844 phone (headless Chromium against a live server).

The officer records chlorpyrifos 0,12 mg/kg on green coffee (limit 0,05 mg/kg) through the officer pages; the
green coffee's page opens with the hold banner, the roaster's lot made from it says it is being verified and
links to the reason; the officer releases the hold with a reason, and both pages are plain again.
Screenshots go to $TRUYXUAT_SCREENSHOTS (when set) for a person to look at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from accounts.permissions import SYSTEM
from accounts.tests.factories import UserFactory
from catalog.tests.factories import AgencyFactory
from conftest import browser_sign_in
from events.services.capture import capture_events
from portal.tests.journey import published_lot
from quality.models import LotHold

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery-9"
REASON = "Chlorpyrifos ethyl: 0,12 mg/kg, vượt giới hạn cho phép 0,05 mg/kg (kết quả ngày 25/11/2026)."


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.TRUYXUAT_LEDGER_KEY_FILE = tmp_path / "ledger.key"


def _shot(page, name):
    folder = os.environ.get("TRUYXUAT_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=False)


def _dl(lot):
    return f"https://id.gs1.org/01/{lot.product.gtin}/10/{lot.lot_code}"


def test_failed_lab_test_holds_the_lot_and_flags_lots_made_from_it(browser, live_server):
    officer = UserFactory(username="canbo", agency=AgencyFactory(name="Sở Khoa học và Công nghệ"))
    green = published_lot(officer)
    roasted = published_lot(officer, lot_code="RX-01")
    capture_events(
        actor=SYSTEM,
        organization=roasted.product.organization,
        events=[
            {
                "type": "TransformationEvent",
                "eventTime": "2026-11-06T09:00:00+07:00",
                "eventTimeZoneOffset": "+07:00",
                "bizStep": "commissioning",
                "inputQuantityList": [{"epcClass": _dl(green), "quantity": 500, "uom": "KGM"}],
                "outputQuantityList": [{"epcClass": _dl(roasted), "quantity": 400, "uom": "KGM"}],
            }
        ],
    )
    green_url = f"{live_server.url}/01/{green.product.gtin}/10/{green.lot_code}"
    roasted_url = f"{live_server.url}/01/{roasted.product.gtin}/10/{roasted.lot_code}"

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True).new_page()
    phone.goto(roasted_url)
    assert phone.locator("#tam-giu").count() == 0  # before: nothing to say

    desk = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    tab = desk.new_page()
    browser_sign_in(tab, live_server.url, officer, PASSWORD, "/oversight/")
    tab.goto(f"{live_server.url}/oversight/kiem-nghiem/moi/")
    tab.select_option("select[name=kind]", "laboratory")
    tab.select_option("select[name=analyte]", label="Chlorpyrifos ethyl")
    tab.fill("input[name=value]", "0.12")
    tab.fill("input[name=laboratory]", "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 3")
    tab.fill("input[name=sampled_on]", "2026-11-20")
    tab.fill("input[name=result_on]", "2026-11-25")
    tab.select_option("select[name=lots]", [str(green.pk)])
    tab.click("#lab-test-form button")
    tab.wait_for_selector("#holds")
    assert "đang tạm giữ" in tab.inner_text("#holds")

    phone.goto(green_url)
    banner = phone.locator("#tam-giu")
    assert banner.is_visible()
    text = banner.inner_text()
    assert text.startswith("LÔ HÀNG NÀY ĐANG BỊ TẠM GIỮ")
    assert f"Lý do: {REASON}" in text
    assert "không nên sử dụng sản phẩm của lô này" in text
    box, title = banner.bounding_box(), phone.locator("h1").first.bounding_box()
    assert box is not None and title is not None
    assert box["y"] < title["y"] and box["y"] + box["height"] <= 844  # the first thing on the screen, whole
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # no sideways scrolling
    _shot(phone, "1-held-lot")

    phone.goto(roasted_url)
    verifying = phone.locator("#tam-giu")
    assert verifying.is_visible()
    text = verifying.inner_text()
    assert text.startswith("Lô hàng này đang xác minh")
    assert "đang xác minh" in text and f"Lý do: {REASON}" in text
    _shot(phone, "2-downstream-verifying")
    phone.click("#tam-giu >> text=Xem lý do tạm giữ")
    phone.wait_for_url(f"{green_url}#tam-giu")
    assert phone.locator("#tam-giu").inner_text().startswith("LÔ HÀNG NÀY ĐANG BỊ TẠM GIỮ")

    tab.fill("#holds input[name=reason]", "Mẫu tái kiểm đạt: 0,01 mg/kg")
    tab.click("#holds button")
    tab.wait_for_selector("#holds >> text=đã giải toả")
    assert LotHold.objects.get(lot=green).released_at is not None

    for url in (green_url, roasted_url):
        phone.goto(url)
        assert phone.locator("#tam-giu").count() == 0
        assert phone.locator("h1").first.inner_text() == "Cà phê nhân Robusta Đăk Hà"
    _shot(phone, "3-released")
    desk.close()
    phone.context.close()
