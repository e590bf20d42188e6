"""A cooperative's owner on a cheap phone (360×740, headless Chromium, the seeded demo province): from the
workspace's menu to the RFID pages, registering crates and opening their labels, each page measured as the
workspace's are (`workspace/tests/test_browser_phone.py`: nothing wider than the screen, text at least 16 px,
controls at least 44 px high), the menu with its seventh entry included."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from conftest import browser_sign_in
from core.tests.seeded_province import seed_province
from rfid import labels
from rfid.models import ReturnableAsset
from workspace.tests.test_browser_phone import CONTROLS, HEIGHT, MEASURE, SMALL_SVG_TEXT, TAP, WIDTH

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.TRUYXUAT_LEDGER_KEY_FILE = tmp_path / "ledger.key"


def _fits(tab) -> dict:
    tab.evaluate("document.querySelectorAll('.ws details').forEach((d) => { d.open = true; })")
    found = tab.evaluate(MEASURE, [CONTROLS, TAP])
    found["tiny"] = [t for t in found["tiny"] if not t.startswith("svg ")]  # the dashboard's charts: SMALL_SVG_TEXT
    return {k: v for k, v in found.items() if (v > WIDTH if k == "width" else v)}


def test_from_the_menu_to_crates_labels_on_a_phone(browser, live_server):
    seeded = seed_province()
    context = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT}, locale="vi-VN", has_touch=True, is_mobile=True
    )
    tab = context.new_page()
    browser_sign_in(tab, live_server.url, seeded.users["owner"], "truyxuat-htx-2026", "/workspace/")
    assert "workspace:dashboard" in SMALL_SVG_TEXT  # when it is fixed, measure the charts' text here too
    problems = {"dashboard": _fits(tab)}

    tab.click("#nav-rfid")
    tab.wait_for_url("**/rfid/")
    expect(tab.locator("h1")).to_have_text("📶 Cổng RFID")
    problems["gates"] = _fits(tab)
    tab.click(".rfid-tabs >> text=Nhãn RFID")
    tab.wait_for_url("**/rfid/nhan/")
    problems["labels"] = _fits(tab)
    tab.click(".rfid-tabs >> text=Sọt, thùng quay vòng")
    tab.wait_for_url("**/rfid/tai-san/")
    problems["assets"] = _fits(tab)

    tab.fill("#a-kind", "Sọt cà phê")
    tab.fill("#a-count", "0")
    tab.click("#asset-form button")
    expect(tab.locator("#asset-form")).to_contain_text("Mỗi lần đăng ký từ 1 đến 500 tài sản.")
    problems["assets refused"] = _fits(tab)
    tab.fill("#a-count", "2")
    tab.click("#asset-form button")
    tab.wait_for_url("**/rfid/tai-san/*/nhan/?tu=1&den=2")
    crates = ReturnableAsset.objects.filter(organization=seeded.users["owner"].memberships.get().organization)
    for crate in crates:
        expect(tab.locator("main")).to_contain_text(f"EPC {labels.asset_label(crate).epc_hex}")
    assert tab.locator(".rfid-label svg").count() == 2
    problems["crate labels"] = _fits(tab)
    context.close()
    assert {k: v for k, v in problems.items() if v} == {}, json.dumps(problems, ensure_ascii=False, indent=1)
