"""A corrected diary entry unblocking a lot (issue 15 "done when"), on a cheap phone: 360×740, Chromium throttled to
400 kbps with 400 ms latency. The lot is blocked by a spraying whose pre-harvest interval was typed wrong (14 days
instead of 3); from the block, one tap opens "Sửa / Huỷ bản ghi", the farmer corrects the interval with a reason,
the history shows the original "Đã sửa" with the reason and a link to the correction, and the lot passes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from accounts.tests.factories import UserFactory
from catalog.tests.factories import OrganizationFactory
from conftest import browser_sign_in
from diary.models import DiaryEntry
from diary.tests.factories import days_ago, farm
from events.models import ErrorDeclaration
from rules.models import RuleDecision
from workflows import chain

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery-9"
KBPS = 400
SLOW = {"offline": False, "latency": 400, "downloadThroughput": KBPS * 1000 / 8, "uploadThroughput": KBPS * 1000 / 8}


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.TRUYXUAT_LEDGER_KEY_FILE = tmp_path / "ledger.key"


def _shot(page, name):
    folder = os.environ.get("TRUYXUAT_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.fixture
def blocked(db):
    """A cooperative's staff member whose spraying (typed: 14 days' interval) blocks today's harvest."""
    org = OrganizationFactory(name="HTX Cà phê Đăk Hà")
    user = UserFactory(username="ydung", first_name="Y Dũng")
    org.memberships.create(user=user, role="staff")
    area, product = farm(org)
    spraying, _created = chain.record_entry(
        actor=user,
        organization=org,
        data={
            "growing_area": area,
            "activity": "spraying",
            "product_name": "Anvil 5SC",
            "phi_days": "14",
            "occurred_at": days_ago(5),
        },
    )
    lot = chain.harvest(
        actor=user,
        organization=org,
        data={"product": product, "growing_area": area, "quantity": "100", "harvested_at": days_ago(0, 9)},
    )
    assert RuleDecision.objects.filter(lot=lot).latest("id").outcome == "block"
    return user, spraying, lot


def test_a_corrected_diary_entry_unblocks_the_lot(browser, live_server, blocked):
    user, spraying, lot = blocked
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", has_touch=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    browser_sign_in(page, live_server.url, user, PASSWORD, "/workspace/")
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW)

    page.goto(f"{live_server.url}/workspace/lots/{lot.pk}/")
    block = page.locator("#verdicts .block")
    assert "Sửa / Huỷ bản ghi" in block.inner_text()
    _shot(page, "correction-1-blocked-lot")
    page.click("#correct-blocking-entry")
    page.wait_for_url(f"**/workspace/diary/{spraying.client_id}/correct/")
    assert page.input_value("#c-phi") == "14" and page.input_value("#c-product") == "Anvil 5SC"
    assert not page.is_visible("#void-record")  # voiding is behind its own disclosure, with a confirmation box

    page.click("#save-correction")  # the reason is required: the browser asks first, nothing is sent
    assert page.url.endswith(f"/workspace/diary/{spraying.client_id}/correct/")
    assert ErrorDeclaration.objects.count() == 0
    page.fill("#c-phi", "3")
    page.fill("#c-reason", "Nhãn thuốc ghi cách ly 3 ngày, tôi gõ nhầm")
    _shot(page, "correction-2-form")
    page.click("#save-correction")
    page.wait_for_url("**/workspace/diary/history/**")
    corrected = page.locator(f"#e{spraying.pk}")
    text = corrected.inner_text()
    assert "Đã sửa" in text and "Nhãn thuốc ghi cách ly 3 ngày, tôi gõ nhầm" in text
    fixed = DiaryEntry.objects.get(corrects=spraying)
    assert corrected.locator("a", has_text="xem bản sửa").get_attribute("href") == (
        f"/workspace/diary/{fixed.client_id}/correct/"
    )
    assert "cách ly 3 ngày" in page.locator(f"#e{fixed.pk}").inner_text()
    _shot(page, "correction-3-history")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360

    page.goto(f"{live_server.url}/workspace/lots/{lot.pk}/")
    assert page.locator("#verdicts .block").count() == 0
    assert "Các quy tắc đều đạt" in page.locator("#verdicts").inner_text()
    _shot(page, "correction-4-lot-passes")
    assert RuleDecision.objects.filter(lot=lot, rule="pre_harvest_interval").latest("id").outcome == "pass"
    declaration = ErrorDeclaration.objects.get(event__event_id=spraying.event_id)
    assert declaration.corrective_event_ids == [fixed.event_id]
    context.close()
