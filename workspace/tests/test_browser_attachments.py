"""Diary attachments and the offline queue on a cheap phone: 360×740, Chromium throttled to 400 kbps up and down
with 400 ms latency (CDP `Network.emulateNetworkConditions`), and offline.

A spraying entry with a ~2 MB photo taken offline is kept in the queue with its photo shrunk on the phone (≤ 600 KB),
synced when the network returns, said "Đã lưu" only once the server confirmed the photo, and shown with its photo
in the history; a double tap on "Lưu" stores one entry; required fields are checked on the phone before queueing;
an entry the server refused opens for editing with what was typed. Measures taps, seconds and bytes on the wire.
Screenshots go to $TRUYXUAT_SCREENSHOTS (when set) for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import time
import uuid
from pathlib import Path

import pytest
from django.core.signals import request_started
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.tests.factories import UserFactory
from catalog.tests.factories import GrowingAreaFactory, OrganizationFactory
from conftest import browser_sign_in
from core import files
from diary.models import DiaryEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery-9"
KBPS = 400
SLOW = {"offline": False, "latency": 400, "downloadThroughput": KBPS * 1000 / 8, "uploadThroughput": KBPS * 1000 / 8}
MAX_PHOTO = 600 * 1024
SYNCED = ".toast:text-is('✅ Đã lưu.')"
QUEUE = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("truyxuat-diary", 1);
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const all = open.result.transaction("queue").objectStore("queue").getAll();
    all.onsuccess = () => resolve(all.result.map((it) => ({
      client_id: it.client_id, fields: it.fields, error: it.error || "",
      photo: it.photo ? { size: it.photo.size, type: it.photo.type } : null })));
  };
})"""


@pytest.fixture(scope="module")
def browser():
    """The suite's Chromium (conftest.browser) with a fake microphone, so a voice note can be recorded."""
    from playwright.sync_api import sync_playwright

    from conftest import CHROMIUM, CHROMIUM_ARGS

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            args = [*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
            launched = p.chromium.launch(executable_path=CHROMIUM, args=args)
            yield launched
            launched.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.TRUYXUAT_LEDGER_KEY_FILE = tmp_path / "ledger.key"


@pytest.fixture
def farmer(db):
    """A cooperative's staff member with one coffee plot."""
    org = OrganizationFactory(name="HTX Cà phê Đăk Hà")
    user = UserFactory(username="ydung", first_name="Y Dũng")
    org.memberships.create(user=user, role="staff")
    GrowingAreaFactory(organization=org, code="VT-51-DHA-0101", name="Rẫy Thôn 4", crop="Cà phê vối")
    return user


@pytest.fixture
def posted():
    """The Content-Length of each diary entry POST the live server receives: the bytes on the wire."""
    sizes: list[int] = []

    def seen(sender, environ=None, **kwargs):
        if environ and environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"].endswith("/diary/entries"):
            sizes.append(int(environ.get("CONTENT_LENGTH") or 0))

    request_started.connect(seen)
    yield sizes
    request_started.disconnect(seen)


def camera_photo(width: int = 3264, height: int = 2448) -> bytes:
    """A phone-camera-like JPEG of about 2 MB (8 megapixels: leaves on a gradient, sensor grain), always the same."""
    rng = random.Random(15)
    base = Image.linear_gradient("L").resize((width, height))
    image = Image.merge("RGB", (base, base.rotate(90).resize((width, height)), Image.new("L", (width, height), 90)))
    draw = ImageDraw.Draw(image)
    for _ in range(400):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(20, 200)
        draw.ellipse((x, y, x + r, y + r * 0.6), fill=(rng.randrange(30, 120), rng.randrange(80, 200), 40))
    grain = Image.frombytes("L", (width, height), rng.randbytes(width * height)).convert("RGB")
    out = io.BytesIO()
    Image.blend(image, grain, 0.1).save(out, "JPEG", quality=85)
    return out.getvalue()


def _shot(page, name):
    folder = os.environ.get("TRUYXUAT_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _phone(browser, live_server, farmer):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", has_touch=True)
    page = context.new_page()
    page.set_default_timeout(60_000)  # 400 kbps: a few hundred KB take seconds
    browser_sign_in(page, live_server.url, farmer, PASSWORD, "/workspace/diary/")
    page.wait_for_selector("#activity-tiles button")
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW)
    return context, page


def _offline(context, page, offline: bool) -> None:
    context.set_offline(offline)
    page.evaluate(f"window.dispatchEvent(new Event('{'offline' if offline else 'online'}'))")


def _spraying_with_photo(page, photo: bytes, *, product: str, phi: str) -> int:
    """Fill a spraying entry with a photo and save it; returns the taps a person makes."""
    page.click("#activity-tiles [data-activity=spraying]")  # 1
    page.fill("#f-product", product)  # 2 (tap the field, type)
    page.fill("#f-phi", phi)  # 3
    page.click("#fields details:not(.help) > summary")  # 4: open "Ảnh, ghi âm, vị trí, ghi chú"
    page.set_input_files("#f-photo", {"name": "IMG_20261201_0712.jpg", "mimeType": "image/jpeg", "buffer": photo})  # 5
    page.wait_for_selector("#photo-state:has-text('→')")
    page.click("#save")  # 6
    return 6


def test_photo_taken_offline_arrives_shrunk_and_shows_in_the_history(browser, live_server, farmer, posted):
    photo = camera_photo()
    assert 1_900_000 < len(photo) < 2_200_000
    context, page = _phone(browser, live_server, farmer)

    # offline: the entry and its shrunk photo wait in the phone's queue
    _offline(context, page, True)
    _spraying_with_photo(page, photo, product="Anvil 5SC", phi="14")
    page.wait_for_selector(".toast:has-text('Đã lưu trên máy')")
    assert page.inner_text("#queue-count") == "1"
    [queued] = page.evaluate(QUEUE)
    assert queued["photo"]["type"] == "image/jpeg"
    assert queued["photo"]["size"] <= MAX_PHOTO
    assert (queued["fields"]["product_name"], queued["fields"]["phi_days"], queued["error"]) == ("Anvil 5SC", "14", "")
    assert DiaryEntry.objects.count() == 0
    _shot(page, "attachments-1-queued-offline")

    # back online (still 400 kbps / 400 ms): sent with its photo, "Đã lưu" once the server confirmed it
    _offline(context, page, False)
    page.wait_for_selector(SYNCED)
    page.wait_for_selector("#queue", state="hidden")
    entry = DiaryEntry.objects.get()
    assert str(entry.client_id) == queued["client_id"]
    assert (entry.activity, entry.product_name, entry.phi_days) == ("spraying", "Anvil 5SC", 14)
    assert entry.source == "offline"
    assert entry.photo.size == queued["photo"]["size"] <= MAX_PHOTO
    assert posted == [pytest.approx(entry.photo.size, abs=4096)]  # the photo is most of what went on the wire
    with Image.open(entry.photo.path) as stored:
        assert (stored.format, max(stored.size)) == ("JPEG", 1600)
    assert page.evaluate(QUEUE) == []

    # the history shows the photo, served by the permission-checked files view
    page.goto(f"{live_server.url}/workspace/diary/history/")
    image = page.locator(f"img[src='{files.url(entry.photo)}']")
    image.scroll_into_view_if_needed()
    page.wait_for_function("(img) => img.complete && img.naturalWidth === 1600", arg=image.element_handle())
    assert "Anvil 5SC" in page.inner_text("main")
    _shot(page, "attachments-2-history")

    # measurement: the same entry online at 400 kbps / 400 ms, from the first tap to the server's confirmation
    page.goto(f"{live_server.url}/workspace/diary/")
    page.wait_for_selector("#activity-tiles button")
    start = time.perf_counter()
    # another spraying (the same one again, to the minute, would be the same fact: recorded once)
    taps = _spraying_with_photo(page, photo, product="Score 250EC", phi="7")
    page.wait_for_selector(SYNCED)
    seconds = time.perf_counter() - start
    second = DiaryEntry.objects.exclude(pk=entry.pk).get()
    wire = posted[1]
    assert len(posted) == 2 and wire == pytest.approx(second.photo.size, abs=4096) and wire <= MAX_PHOTO + 4096
    print(
        f"\nSPRAYING + PHOTO on 360x740 at {KBPS} kbps / 400 ms: {taps} taps, {seconds:.1f} s to 'Đã lưu'; "
        f"photo {len(photo) / 1024:.0f} KB taken, {second.photo.size / 1024:.0f} KB stored, "
        f"request {wire / 1024:.0f} KB on the wire "
        f"(unshrunk it would be {len(photo) * 8 / KBPS / 1000:.0f} s of upload alone)"
    )
    context.close()


def test_double_tap_on_save_stores_one_entry(browser, live_server, farmer):
    context, page = _phone(browser, live_server, farmer)
    page.click("#activity-tiles [data-activity=weeding]")
    first_id = page.input_value("input[name=client_id]")
    assert len(first_id) == 36
    page.dblclick("#save")
    page.wait_for_selector(SYNCED)
    page.wait_for_selector("#queue", state="hidden")
    assert page.evaluate(QUEUE) == []
    assert list(DiaryEntry.objects.values_list("client_id", flat=True)) == [uuid.UUID(first_id)]
    # the next opened form is a new entry with a new id
    page.click("#activity-tiles [data-activity=weeding]")
    assert page.input_value("input[name=client_id]") not in ("", first_id)
    context.close()


def test_required_fields_are_checked_on_the_phone_before_queueing(browser, live_server, farmer):
    context, page = _phone(browser, live_server, farmer)
    _offline(context, page, True)
    page.click("#activity-tiles [data-activity=spraying]")
    page.fill("#f-phi", "mười bốn")
    page.click("#save")
    product_error = page.locator("[data-field=product_name] p.err")
    assert product_error.inner_text() == "⚠️ Cần ghi tên vật tư (thuốc, phân, thức ăn, vắc xin)."
    assert page.locator("[data-field=phi_days] p.err").inner_text() == "⚠️ Số ngày phải là số nguyên."
    assert page.get_attribute("#f-product", "aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "f-product"
    assert page.evaluate(QUEUE) == []
    _shot(page, "attachments-3-phone-check")
    page.fill("#f-product", "Anvil 5SC")
    page.fill("#f-phi", "")
    page.click("#save")
    assert page.locator("[data-field=phi_days] p.err").inner_text() == (
        "⚠️ Cần ghi thời gian cách ly trước thu hoạch (ngày), in trên nhãn thuốc."
    )
    assert page.locator("[data-field=product_name] p.err").count() == 0
    page.fill("#f-phi", "14")
    page.click("#save")
    page.wait_for_selector(".toast:has-text('Đã lưu trên máy')")
    queued = [(q["fields"]["product_name"], q["fields"]["phi_days"]) for q in page.evaluate(QUEUE)]
    assert queued == [("Anvil 5SC", "14")]
    context.close()


def test_refused_queued_entry_opens_for_editing_with_what_was_typed(browser, live_server, farmer):
    context, page = _phone(browser, live_server, farmer)
    _offline(context, page, True)
    page.click("#activity-tiles [data-activity=spraying]")
    page.fill("#f-product", "Anvil 5SC")
    page.fill("#f-ingredient", "Hexaconazole")
    page.fill("#f-phi", "14")
    tomorrow = timezone.localtime() + dt.timedelta(days=2)  # a wrong date the server refuses (not in the future)
    page.fill("#f-when", tomorrow.strftime("%Y-%m-%dT%H:%M"))
    page.click("#fields details:not(.help) > summary")
    page.fill("#f-note", "Phun sau mưa, lá còn ướt")
    page.set_input_files("#f-photo", {"name": "la.jpg", "mimeType": "image/jpeg", "buffer": camera_photo(1200, 900)})
    page.wait_for_selector("#photo-state:has-text('→')")
    page.click("#save")
    page.wait_for_selector(".toast:has-text('Đã lưu trên máy')")
    [queued] = page.evaluate(QUEUE)

    _offline(context, page, False)
    refused = "Ngày thực hiện không được ở tương lai."
    page.wait_for_selector(f"#queue-list li:has-text('{refused}')")
    assert DiaryEntry.objects.count() == 0
    _shot(page, "attachments-4-refused")
    page.click("#queue-list button:has-text('Sửa lại')")
    assert page.is_visible("#edit-state")
    assert page.input_value("#f-product") == "Anvil 5SC"
    assert page.input_value("#f-ingredient") == "Hexaconazole"
    assert page.input_value("#f-phi") == "14"
    assert page.input_value("#f-note") == "Phun sau mưa, lá còn ướt"
    assert page.input_value("#f-when") == tomorrow.strftime("%Y-%m-%dT%H:%M")
    assert page.locator("#f-when + p.err").inner_text() == f"⚠️ {refused}"
    assert page.inner_text("#photo-state").startswith("📷 giữ ảnh đã chụp")
    _shot(page, "attachments-5-editing")

    page.fill("#f-when", (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.click("#save")
    page.wait_for_selector(SYNCED)
    entry = DiaryEntry.objects.get()
    assert str(entry.client_id) == queued["client_id"]
    assert (entry.product_name, entry.active_ingredient, entry.phi_days) == ("Anvil 5SC", "Hexaconazole", 14)
    assert entry.note == "Phun sau mưa, lá còn ướt"
    assert entry.photo.size == queued["photo"]["size"]
    assert page.evaluate(QUEUE) == []
    context.close()


def test_voice_note_recorded_offline_arrives(browser, live_server, farmer, posted):
    context, page = _phone(browser, live_server, farmer)
    context.grant_permissions(["microphone"], origin=live_server.url)
    _offline(context, page, True)
    page.click("#activity-tiles [data-activity=irrigating]")
    page.click("#fields details:not(.help) > summary")
    page.click("#record")
    page.wait_for_selector("#voice-state:has-text('Đang ghi')")
    page.wait_for_timeout(1500)  # speak for a moment (the fake microphone beeps)
    page.click("#record")
    page.wait_for_selector("#voice-state:has-text('Đã ghi âm')")
    page.click("#save")
    page.wait_for_selector(".toast:has-text('Đã lưu trên máy')")
    _offline(context, page, False)
    page.wait_for_selector(SYNCED)
    entry = DiaryEntry.objects.get()
    assert entry.voice.name.endswith("/voice.webm")
    assert entry.voice.read(4) == b"\x1a\x45\xdf\xa3"
    assert len(posted) == 1 and posted[0] > entry.voice.size > 1000
    page.goto(f"{live_server.url}/workspace/diary/history/")
    assert page.get_attribute("audio", "src") == files.url(entry.voice)
    context.close()
