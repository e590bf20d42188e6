"""One journey in Chromium: an officer reads a copied-stamp flag with its map and dismisses another with a reason
(the page asks for the confirmation first); a consumer on a 360 px phone sees the gentle note on the stamp's page."""

from __future__ import annotations

import os

import pytest

from accounts.permissions import SYSTEM
from accounts.tests.factories import UserFactory
from analysis import services
from analysis.choices import FlagKind, FlagStatus
from analysis.models import Flag
from analysis.tests.province import NOW, build
from catalog.tests.factories import AgencyFactory
from conftest import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery-9"
SHOTS = os.environ.get("TRUYXUAT_SCREENSHOTS", "")  # a directory to keep the pages' screenshots in


def _shot(tab, name: str) -> None:
    if SHOTS:
        tab.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_officer_and_consumer(browser, live_server, settings, tmp_path):
    settings.TRUYXUAT_LEDGER_KEY_FILE = tmp_path / "ledger.key"
    planted = build(honest=3)
    services.run_analysis(actor=SYSTEM, now=NOW)
    officer = UserFactory(username="canbo", agency=AgencyFactory(name="Sở Khoa học và Công nghệ"))
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="vi-VN")
    tab = context.new_page()
    browser_sign_in(tab, live_server.url, officer, PASSWORD, "/phan-tich/")
    _shot(tab, "dashboard")
    tab.click("text=Cảnh báo đang mở")
    tab.click("#flags a:has-text('Tem được quét ở hai nơi')")
    assert "Đà Nẵng và Hà Nội cách nhau 40 phút" in tab.inner_text("#sentence")
    assert tab.locator("figure.chart svg").count() == 1
    _shot(tab, "flag_stamp")
    area = Flag.objects.get(kind=FlagKind.AREA_YIELD)
    tab.goto(f"{live_server.url}/phan-tich/canh-bao/{area.pk}/")
    tab.fill("#reason", "Đã đo lại: vùng rộng 6 ha, khai báo thiếu.")
    tab.click("#dismiss button")
    assert "Đánh dấu xác nhận" in tab.inner_text("main")
    tab.fill("#reason", "Đã đo lại: vùng rộng 6 ha, khai báo thiếu.")
    tab.check("input[name=confirm]")
    tab.click("#dismiss button")
    tab.wait_for_selector("text=Đã bác bỏ cảnh báo")
    assert Flag.objects.get(pk=area.pk).status == FlagStatus.DISMISSED
    context.close()

    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    tab = phone.new_page()
    tab.goto(f"{live_server.url}/01/{planted.stamp.gtin}/21/{planted.stamp.serial}")
    note = tab.inner_text("#stamp-analysis")
    assert "Đà Nẵng và Hà Nội cách nhau 40 phút" in note
    assert tab.evaluate("document.documentElement.scrollWidth") <= 360
    _shot(tab, "consumer_item")
    phone.close()
