"""A new organisation led from an empty dashboard to its first harvest, on a 360×740 phone in headless Chromium:
each of the four steps one tap away from the dashboard, ticked once done; a harvest typed `1.200` is asked back
(the error summary at the top, its link taking the finger to the field, the figure kept), then stored as 1200."""

from __future__ import annotations

import pytest

from accounts.tests.factories import UserFactory
from catalog.models import Lot
from catalog.tests.factories import OrganizationFactory
from diary.models import DiaryEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Cafe-Dak-Ha-2026!"


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.TRUYXUAT_LEDGER_KEY_FILE = tmp_path / "ledger.key"


def _done(page) -> list[str]:
    return page.eval_on_selector_all("#first-steps li.step.done", "els => els.map(e => e.dataset.step)")


def _next_step(page, key: str) -> None:
    """On the dashboard, the highlighted step is `key`: tap it."""
    page.goto(page.url.split("/workspace/")[0] + "/workspace/")
    button = page.locator(f"#first-steps li[data-step={key}] a.btn.primary")
    assert button.count() == 1
    box = button.bounding_box()
    assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 360
    button.click()


def test_new_organisation_from_empty_dashboard_to_first_harvest(browser, live_server, tmp_path):
    url = live_server.url
    org = OrganizationFactory(name="Tổ hợp tác Cà phê Thôn 9", status="approved")
    owner = UserFactory(username="ythu", password=PASSWORD)
    org.memberships.create(user=owner, role="owner")

    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", has_touch=True)
    page = context.new_page()
    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=username]", "ythu")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{url}/workspace/")

    # the empty dashboard says what to do first, not "nothing to do"
    assert "Không có việc gì đang chờ" not in page.content()
    assert page.inner_text("#todo-count") == "4"
    assert _done(page) == []
    page.screenshot(path=str(tmp_path / "empty-dashboard.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # 1. a growing area, drawn by tapping four corners
    _next_step(page, "area")
    page.wait_for_url("**/workspace/areas/new/")
    page.fill("#a-code", "VT-51-DHA-9901")
    page.fill("#a-crop", "Cà phê vối")
    page.fill("#a-name", "Rẫy Thôn 9")
    page.evaluate("document.getElementById('draw-map').scrollIntoView({block: 'center'})")  # clear of the bottom bar
    box = page.locator("#draw-map").bounding_box()
    for dx, dy in ((-60, -50), (70, -45), (80, 60), (-55, 65)):
        page.mouse.click(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dy)
    page.click("#area-form button.primary.wide")
    page.wait_for_url("**/workspace/areas/")
    area = org.growing_areas.get()

    # 2. a product: the step's link opens the form
    _next_step(page, "product")
    page.wait_for_url("**/workspace/products/?new=1")
    assert page.is_visible("#p-name")
    assert _done_after(page, url) == ["area"]
    page.goto(f"{url}/workspace/products/?new=1")
    page.fill("#p-name", "Cà phê nhân Thôn 9")
    page.select_option("#p-cat", "coffee")
    page.click("#new-product button.primary")
    page.wait_for_url("**/workspace/products/")

    # 3. the first diary entry
    _next_step(page, "diary")
    page.wait_for_url("**/workspace/diary/")
    page.click(f"#area-chips button:has-text('{area.code}')")
    page.click("#activity-tiles [data-activity=weeding]")
    page.click("#save")
    page.wait_for_selector(".toast")
    assert DiaryEntry.objects.filter(organization=org).count() == 1

    # 4. the first harvest: "1.200" is asked back, the summary's link goes to the field, the figure stays
    _next_step(page, "harvest")
    page.wait_for_url("**/workspace/harvest/")
    qty = f"input[name=qty_{area.pk}]"
    page.fill(qty, "1.200")
    page.click("#harvest-form button.primary")
    page.wait_for_selector("#form-errors")
    summary = page.inner_text("#form-errors")
    assert "Cần sửa 1 chỗ rồi gửi lại" in summary and "Bạn nhập 1.200: nghĩa là 1.200 (1200)?" in summary
    assert "Vùng trồng và sản lượng" in summary  # the field named by the page's script
    assert page.evaluate("document.activeElement.id") == "form-errors"
    assert page.input_value(qty) == "1.200"
    page.screenshot(path=str(tmp_path / "harvest-error.png"), full_page=False)
    page.click("#form-errors a[href='#err-quantity']")
    assert page.evaluate("document.activeElement.name") == f"qty_{area.pk}_confirm"  # the box to tick
    assert page.get_attribute("fieldset", "aria-invalid") == "true"
    assert Lot.objects.count() == 0
    page.keyboard.press("Space")
    page.click("#harvest-form button.primary")
    page.wait_for_url("**/workspace/lots/*/")
    lot = Lot.objects.get()
    assert lot.quantity == 1200

    # all four done: the guide gives way to the to-do list
    page.goto(f"{url}/workspace/")
    assert page.locator("#first-steps").count() == 0
    assert f"Lô {lot.lot_code} cần bổ sung trước khi gửi duyệt" in page.inner_text("#attention")
    page.screenshot(path=str(tmp_path / "dashboard-after.png"), full_page=True)
    print(f"\nFIRST STEPS screenshots in {tmp_path}")
    context.close()


def _done_after(page, url: str) -> list[str]:
    page.goto(f"{url}/workspace/")
    return _done(page)
