"""The workspace on a cheap phone (issue 15, item 7), in headless Chromium at 360×740 against a live server.

Every workspace page of the seeded demo province (core/tests/seeded_province.py), as the cooperative's owner: nothing
wider than the screen, every text at least 16 px, every control (inputs, selects, buttons, links styled as buttons,
chips, the header's and the bottom bar's links, the labels of checkboxes and radios, collapsed sections' summaries)
at least 44 px high. Horizontal lists say that they scroll; the plot map loads its basemap from TRUYXUAT_MAP_TILES
(and only then); walking round a plot with the phone's GPS draws and closes its boundary.
"""

from __future__ import annotations

import io
import json
from urllib.parse import urlencode

import pytest
from PIL import Image
from playwright.sync_api import expect

from conftest import browser_sign_in
from core.maptiles import with_tiles
from core.tests.seeded_province import seed_province
from core.tests.test_no_raw_codes import PAGES, _url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH, HEIGHT, TAP = 360, 740, 44
TILES = "https://{s}.tiles.example.test/{z}/{x}/{y}.png"
# Known and left to the page's owner (listed in the report of issue 15): the dashboard's SVG charts are drawn for a
# wide screen and scaled down, their axis labels to about 5 px on this phone (core/charts.py). Only SVG text may
# be small there; the test fails when they are fixed, so that this line goes too.
SMALL_SVG_TEXT = {"workspace:dashboard"}

# Elements whose box must be a finger's size (visible ones only). Links inside running text are not targets of
# their own and are left out, as WCAG 2.5.8 does.
CONTROLS = ", ".join(
    (
        ".ws input:not([type=hidden]):not([type=checkbox]):not([type=radio])",
        ".ws select",
        ".ws textarea",
        ".ws button",
        ".ws .btn",
        ".ws .chip",
        ".ws summary",
        ".ws label:has(> input[type=checkbox])",
        ".ws label:has(> input[type=radio])",
        "header.top a",
        "header.top button",
        ".ws nav.bottom a",
    )
)

MEASURE = """([controls, tap]) => {
  const shown = (el) => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden"; };
  const small = [];
  for (const el of document.querySelectorAll(controls)) {
    if (!shown(el) || el.closest(".leaflet-container")) continue;
    const h = el.getBoundingClientRect().height;
    const text = (el.textContent || el.name || "").trim().slice(0, 30);
    const name = `${el.tagName.toLowerCase()}.${el.getAttribute("class") || ""}`;
    if (h < tap - 0.5) small.push(`${name} "${text}" ${h.toFixed(1)}px`);
  }
  const tiny = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const text = node.textContent.trim();
    if (!text || !el || el.closest("script, style, .leaflet-container, [hidden]") || !shown(el)) continue;
    const svg = el.closest("svg");  /* SVG text is drawn at its size times the drawing's scale */
    const size = parseFloat(getComputedStyle(el).fontSize) * (svg ? el.getScreenCTM().a : 1);
    const name = `${svg ? "svg " : ""}${el.tagName.toLowerCase()}.${el.getAttribute("class") || ""}`;
    if (size < 15.5) tiny.add(`${name} "${text.slice(0, 30)}" ${size.toFixed(1)}px`);
  }
  return { width: document.documentElement.scrollWidth, small, tiny: [...tiny] };
}"""


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.TRUYXUAT_LEDGER_KEY_FILE = tmp_path / "ledger.key"


@pytest.fixture
def phone(browser, live_server):
    seeded = seed_province()
    context = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT}, locale="vi-VN", has_touch=True, is_mobile=True
    )
    tab = context.new_page()
    browser_sign_in(tab, live_server.url, seeded.users["owner"], "truyxuat-htx-2026", "/workspace/")
    yield tab, seeded, context
    context.close()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), "#cfe3c1").save(buffer, format="PNG")
    return buffer.getvalue()


def test_every_workspace_page_fits_a_cheap_phone(phone, live_server):
    tab, seeded, _context = phone
    problems = {}
    labels = [label for label, (roles, _a, _q) in PAGES.items() if label.startswith("workspace:") and "owner" in roles]
    assert len(labels) >= 25
    for label in labels:
        url, query = _url(label, seeded)
        response = tab.goto(f"{live_server.url}{url}?{urlencode(query)}")
        assert response is not None and response.status == 200, label
        tab.wait_for_load_state("load")
        tab.evaluate("document.querySelectorAll('.ws details').forEach((d) => { d.open = true; })")  # all of it fits
        found = tab.evaluate(MEASURE, [CONTROLS, TAP])
        if label in SMALL_SVG_TEXT:
            assert found["tiny"] and all(t.startswith("svg ") for t in found["tiny"]), found["tiny"]
            found["tiny"] = []
        if found["width"] > WIDTH or found["small"] or found["tiny"]:
            problems[label] = found
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)


def test_a_sample_of_controls_is_finger_sized(phone, live_server):
    tab, _seeded, _context = phone
    tab.goto(f"{live_server.url}/workspace/shipments/new/")
    sample = ["header.top a >> nth=0", "select[name=receiver]", "label:has(> input[value=buyer])"]
    sample += ["input[name=buyer_name]", "#s-note", ".ws button.primary", ".ws nav.bottom a >> nth=2"]
    for selector in sample:
        box = tab.locator(selector).bounding_box()
        assert box is not None and box["height"] >= TAP, selector
    radio = tab.locator("input[value=buyer]").bounding_box()
    assert radio is not None and radio["width"] >= 24 and radio["height"] >= 24


def test_horizontal_lists_show_that_they_scroll(phone, live_server):
    tab, _seeded, _context = phone
    tab.goto(f"{live_server.url}/workspace/lots/")
    chips = tab.locator(".ws .chips").first
    assert tab.evaluate("document.querySelector('.ws .chips').scrollWidth") > WIDTH
    assert chips.get_attribute("class").split() == ["chips", "more-end"]
    mask = tab.evaluate("getComputedStyle(document.querySelector('.ws .chips')).maskImage")
    assert mask.startswith("linear-gradient(to right")
    tab.evaluate("const c = document.querySelector('.ws .chips'); c.scrollLeft = c.scrollWidth")
    expect(chips).to_have_class("chips more-start")
    assert chips.get_attribute("class").split() == ["chips", "more-start"]
    tab.evaluate("document.querySelector('.ws .chips').scrollLeft = 40")
    expect(chips).to_have_class("chips more-start more-end")
    assert sorted(chips.get_attribute("class").split()) == ["chips", "more-end", "more-start"]


def test_plots_show_their_names_and_no_basemap_without_a_setting(phone, live_server):
    tab, seeded, _context = phone
    tab.goto(f"{live_server.url}/workspace/areas/")
    area = seeded.objects["area"]
    assert area.name in tab.locator(".leaflet-tooltip").all_inner_texts()
    assert tab.locator(".leaflet-tile").count() == 0
    assert area.name in tab.locator(".ws .list li strong").all_inner_texts()
    tab.goto(f"{live_server.url}/workspace/diary/")
    chip = tab.locator("#area-chips .chip", has_text=area.name)
    expect(chip).to_be_visible()
    assert chip.locator(".code").inner_text() == area.code
    tab.goto(f"{live_server.url}/workspace/diary/history/")
    assert area.name in tab.locator(".ws .chips .chip").all_inner_texts()


def test_the_basemap_comes_from_the_setting_and_the_csp_allows_it(phone, live_server, settings):
    tab, _seeded, _context = phone
    settings.TRUYXUAT_MAP_TILES = TILES
    settings.TRUYXUAT_MAP_ATTRIBUTION = "© Bản đồ thử <b>nghiệm</b>"
    settings.CONTENT_SECURITY_POLICY = with_tiles(settings.CONTENT_SECURITY_POLICY, TILES)
    asked: list[str] = []
    blocked: list[str] = []
    tab.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)

    def tile(route):
        asked.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=_png())

    tab.route("https://*.tiles.example.test/**", tile)
    response = tab.goto(f"{live_server.url}/workspace/areas/new/")
    assert "https://*.tiles.example.test" in response.headers["content-security-policy"]
    expect(tab.locator("img.leaflet-tile-loaded").first).to_be_visible()
    widths = tab.evaluate("[...document.querySelectorAll('img.leaflet-tile-loaded')].map((i) => i.naturalWidth)")
    assert widths and set(widths) == {256}
    assert asked and all(u.startswith("https://") and ".tiles.example.test/16/" in u for u in asked)
    assert blocked == []
    assert tab.inner_text(".leaflet-control-attribution").endswith("© Bản đồ thử <b>nghiệm</b>")


def test_walking_round_the_plot_draws_and_closes_its_boundary(phone, live_server):
    tab, _seeded, context = phone
    context.grant_permissions(["geolocation"], origin=live_server.url)
    start = {"latitude": 14.6120, "longitude": 107.9330, "accuracy": 5}
    context.set_geolocation(start)
    tab.goto(f"{live_server.url}/workspace/areas/new/")
    assert tab.locator("#gps").is_hidden()
    tab.click("#walk")
    expect(tab.locator("#gps-state")).to_contain_text("± 5 m")
    assert tab.inner_text("#walk").strip().endswith("Dừng đi")
    # a step of about 1 m is not a new point; a weak fix is refused with the reason
    context.set_geolocation({**start, "latitude": 14.61201})
    context.set_geolocation({"latitude": 14.6125, "longitude": 107.9330, "accuracy": 60})
    expect(tab.locator("#gps-state")).to_contain_text("chưa đủ chính xác")
    assert "± 60 m" in tab.inner_text("#gps-state")
    corners = [(14.6123, 107.9330), (14.6123, 107.9334), (14.6120, 107.9334)]
    for n, (lat, lon) in enumerate(corners, start=2):
        context.set_geolocation({"latitude": lat, "longitude": lon, "accuracy": 4})
        expect(tab.locator("#gps-state")).to_contain_text(f"{n} điểm")
    tab.click("#gps-mark")  # standing at the last corner: already a point, marked again on request
    expect(tab.locator("#draw-state")).to_contain_text("5 điểm")
    tab.click("#undo")
    tab.click("#gps-finish")
    expect(tab.locator("#gps-state")).to_contain_text("Đã khép ranh giới. 4 điểm")
    boundary = json.loads(tab.input_value("#a-boundary"))
    ring = boundary["coordinates"][0]
    assert boundary["type"] == "Polygon" and len(ring) == 5 and ring[0] == ring[-1]
    assert ring[:4] == [[107.933, 14.612], [107.933, 14.6123], [107.9334, 14.6123], [107.9334, 14.612]]
    assert tab.inner_text("#walk").strip().endswith("Đi quanh thửa (GPS)")  # the watch has stopped
    # ≈ 0,14 ha (33 m × 43 m), written the Vietnamese way in the declared area
    assert tab.input_value("#a-ha") == "0,14"
    assert "≈ 0,14 ha" in tab.inner_text("#draw-state")
