"""The Content-Security-Policy breaks nothing: pages with scripts, maps, the camera page, the ledger verifier,
Swagger UI and the Django admin load in headless Chromium with no CSP violation and their scripts still work.

Violations are caught by a `securitypolicyviolation` listener installed before any page script runs (through the
DevTools protocol, which the CSP does not govern) and by the console, where Chromium reports each one.
Screenshots of three phone pages go to $TRUYXUAT_SCREENSHOTS when set, for a person to look at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from accounts.models import Membership
from accounts.tests.factories import UserFactory
from catalog.tests.factories import AgencyFactory, GrowingAreaFactory
from portal.tests.journey import published_lot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Cafe-Dak-Ha-2026!"
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(
    e.effectiveDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber));
"""


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.TRUYXUAT_LEDGER_KEY_FILE = tmp_path / "ledger.key"


class Watched:
    """A tab whose CSP violations, console errors and uncaught exceptions are collected."""

    def __init__(self, context):
        self.context = context
        self.page = context.new_page()
        self.page.add_init_script(LISTEN)
        self.console: list[str] = []
        self.page.on("console", lambda m: self.console.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))

    def visit(self, url: str, ready: str) -> None:
        self.page.goto(url)
        self.page.wait_for_selector(ready, timeout=15_000)
        self.page.wait_for_load_state("networkidle")
        self.assert_clean(url)

    def assert_clean(self, where: str) -> None:
        violations = self.page.evaluate("window.__csp")
        csp_console = [m for m in self.console if "Content Security Policy" in m or "pageerror" in m]
        assert violations == [], f"{where}: {violations}"
        assert csp_console == [], f"{where}: {csp_console}"

    def shot(self, name: str) -> None:
        directory = os.environ.get("TRUYXUAT_SCREENSHOTS")
        if directory:
            Path(directory).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)


def _phone(browser) -> Watched:
    return Watched(browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", has_touch=True))


def test_consumer_pages(browser, live_server, officer):
    lot = published_lot(officer)
    tab = _phone(browser)
    tab.visit(f"{live_server.url}/", "main")
    tab.visit(f"{live_server.url}/01/{lot.product.gtin}/10/{lot.lot_code}", "#map.leaflet-container")
    # lot.js ran: the map has its markers and the ledger badge was checked in the browser
    tab.page.wait_for_selector(".leaflet-interactive", state="attached", timeout=10_000)
    tab.assert_clean("lot page")
    tab.shot("lot-390")
    tab.visit(f"{live_server.url}/scan", "#photo")
    tab.shot("scan-390")
    bundle = f"/api/v1/lots/{lot.product.gtin}/{lot.lot_code}/proof-bundle"
    tab.visit(f"{live_server.url}/ledger/verify?bundle={bundle}", ".ledger-badge.ledger-ok")
    assert re.search(r"Verified (\d+) of \1 records", tab.page.locator(".ledger-badge").inner_text())


def test_workspace_pages(browser, live_server, producer):
    producer.set_password(PASSWORD)
    producer.save()
    org = Membership.objects.get(user=producer).organization
    GrowingAreaFactory(organization=org, code="VT-51-CSP-1", name="Vùng thử CSP")
    tab = _phone(browser)
    tab.page.goto(f"{live_server.url}/accounts/login/?next=/workspace/")
    tab.page.fill("input[name=username]", producer.username)
    tab.page.fill("input[name=password]", PASSWORD)
    tab.page.click("main button[type=submit]")
    tab.page.wait_for_url("**/workspace/")
    tab.visit(f"{live_server.url}/workspace/diary/", "#activity-tiles button")
    tab.shot("diary-390")
    tab.visit(f"{live_server.url}/workspace/areas/", "#areas-map .leaflet-tooltip")
    assert tab.page.locator("#areas-map .leaflet-tooltip").inner_text() == "Vùng thử CSP"  # the plot by its name
    tab.visit(f"{live_server.url}/workspace/areas/new/", "#draw-map.leaflet-container")
    box = tab.page.locator("#draw-map").bounding_box()
    for dx, dy in ((100, 100), (200, 100), (200, 200)):
        tab.page.mouse.click(box["x"] + dx, box["y"] + dy)
    assert tab.page.locator("#draw-state").inner_text().startswith("3 điểm · ≈ ")
    assert tab.page.input_value("#a-boundary").startswith('{"type":"Polygon"')
    tab.assert_clean("area drawing")
    tab.visit(f"{live_server.url}/workspace/harvest/", "#harvest-form")
    area_box = tab.page.locator("#harvest-form input[name=area]").first
    area_box.uncheck()
    tab.page.locator("#harvest-form input[name^=qty_]").first.fill("120")
    assert area_box.is_checked()  # harvest.js: typing a quantity ticks its area
    tab.assert_clean("harvest")


def test_swagger_ui_and_admin(browser, live_server, client):
    admin = UserFactory(username="quantri", is_staff=True, is_superuser=True, agency=AgencyFactory())
    client.force_login(admin)  # the project's test client also passes the second factor
    tab = Watched(browser.new_context(viewport={"width": 1200, "height": 900}))
    tab.visit(f"{live_server.url}/api/docs", ".swagger-ui .opblock")
    tab.page.locator(".opblock-summary").first.click()  # Swagger UI's own scripts expand an operation
    tab.page.wait_for_selector(".opblock-body", timeout=10_000)
    tab.assert_clean("swagger")
    tab.visit(f"{live_server.url}/admin/login/", "#login-form")
    host = live_server.url.split("//", 1)[1].split(":")[0]
    cookie = client.cookies["sessionid"]
    tab.context.add_cookies([{"name": "sessionid", "value": cookie.value, "domain": host, "path": "/"}])
    tab.visit(f"{live_server.url}/admin/", "#content-main")
    tab.visit(f"{live_server.url}/admin/catalog/lot/", "#changelist")
    tab.visit(f"{live_server.url}/admin/catalog/organization/add/", "form")


def test_the_watcher_sees_a_violation(browser, live_server, settings):
    """The check above can fail: with scripts refused, the scan page's script shows as a violation."""
    policy = {"DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "script-src": ["'none'"]}}
    settings.CONTENT_SECURITY_POLICY = policy
    tab = _phone(browser)
    with pytest.raises(AssertionError, match=r"script-src-elem http://localhost:\d+/static/portal/scan\.js"):
        tab.visit(f"{live_server.url}/scan", "#photo")
