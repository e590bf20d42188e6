"""The producer's journey in headless Chromium on a phone-sized screen (390×844), against a live server.

Register an organisation, draw a growing area on the map, record a week of diary entries (one while offline,
synced when the network returns), harvest (one lot blocked by a spraying's pre-harvest interval, with the
reason and date shown), process, ship, the receiver confirms, submit, and request stamps once published.
Also measures the taps and seconds of one diary entry.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import time

import pytest
from django.utils import timezone
from PIL import Image

from accounts.models import User
from accounts.tests.factories import UserFactory
from catalog import services as catalog_services
from catalog.models import Lot, Organization
from catalog.tests.factories import AgencyFactory, OrganizationFactory
from core.tests.jobs import jobs_worker  # noqa: F401  (the label sheet's job runs while the page waits)
from demo.catalog import plot_polygon, tax_code
from diary.models import DiaryEntry
from logistics.models import Shipment
from rules.models import RuleDecision
from workflows import publication

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Cafe-Dak-Ha-2026!"


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.TRUYXUAT_LEDGER_KEY_FILE = tmp_path / "ledger.key"


def _phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", has_touch=True)
    return context, context.new_page()


def _login(page, url, username):
    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit], form .primary")


def _valid_tax_code(start: int) -> str:
    n = start
    while True:
        try:
            return tax_code(f"61{n:07d}")
        except AssertionError:
            n += 1


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "#5b3a29").save(buffer, format="PNG")
    return buffer.getvalue()


def _entry(page, activity: str, *, days_ago: int, product: str = "", phi: str = "") -> None:
    page.click(f"#activity-tiles [data-activity={activity}]")
    if product:
        page.fill("#f-product", product)
    if phi:
        page.fill("#f-phi", phi)
    when = timezone.localtime() - dt.timedelta(days=days_ago)
    page.fill("#f-when", when.strftime("%Y-%m-%dT%H:%M"))
    page.click("#save")
    page.wait_for_selector(".toast")
    _dismiss_notices(page)


def _dismiss_notices(page) -> None:
    """Take the shown notices away, so that the next one waited for is the next save's (a notice stays 3.5 s on
    its own: waiting for it to go cost half a minute over this journey's entries)."""
    page.evaluate("document.querySelectorAll('.toast').forEach((notice) => notice.remove())")


@pytest.mark.usefixtures("jobs_worker")
def test_producer_journey_from_diary_to_stamps(browser, live_server, tmp_path):
    url = live_server.url
    agency = AgencyFactory(province_code=51)
    officer = UserFactory(username="canbo", agency=agency)
    roaster = OrganizationFactory(name="Công ty Rang xay Đăk Hà")
    receiver = UserFactory(username="rangxay", password=PASSWORD)
    roaster.memberships.create(user=receiver, role="owner")

    context, page = _phone(browser)
    # 1. register an organisation
    page.goto(f"{url}/accounts/signup/")
    page.fill("#id_username", "ydung")
    page.fill("#id_first_name", "Y Dũng")
    page.fill("#id_organization_name", "Tổ hợp tác Cà phê Thôn 4")
    page.select_option("#id_organization_kind", "cooperative")
    page.fill("#id_tax_code", _valid_tax_code(5550001))
    page.select_option("#id_ward_code", "23500")
    page.fill("#id_street_address", "Thôn 4")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url(f"{url}/workspace/")  # sign-up lands the new member in their workspace
    org = Organization.objects.get(name="Tổ hợp tác Cà phê Thôn 4")
    assert org.status == "pending"
    page.goto(f"{url}/workspace/")
    assert "đang chờ cơ quan quản lý duyệt" in page.content()
    catalog_services.approve_organization(actor=officer, organization=org)

    # 2. draw a growing area by tapping its corners on the map
    page.goto(f"{url}/workspace/areas/new/")
    page.fill("#a-code", "VT-51-DHA-7701")
    page.fill("#a-crop", "Cà phê vối")
    page.fill("#a-name", "Rẫy cà phê Thôn 4")
    page.evaluate("document.getElementById('draw-map').scrollIntoView({block: 'center'})")  # clear of the bottom bar
    box = page.locator("#draw-map").bounding_box()
    for dx, dy in ((-60, -50), (70, -45), (80, 60), (-55, 65)):
        page.mouse.click(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dy)
    assert "4 điểm" in page.inner_text("#draw-state")
    page.click("#area-form button.primary")
    page.wait_for_url(f"{url}/workspace/areas/")
    area = org.growing_areas.get(code="VT-51-DHA-7701")
    assert len(area.boundary["coordinates"][0]) == 5

    # a second area from a GeoJSON file, and a product with its picture
    page.goto(f"{url}/workspace/areas/new/")
    page.fill("#a-code", "VT-51-DHA-7702")
    page.fill("#a-crop", "Cà phê vối")
    page.fill("#a-name", "Rẫy cà phê Suối Đá")
    page.fill("#a-ha", "1.5")
    geojson = {"type": "Feature", "geometry": plot_polygon(14.61, 107.93, 1.5)}
    page.set_input_files(
        "#a-file", {"name": "ray.geojson", "mimeType": "application/geo+json", "buffer": json.dumps(geojson).encode()}
    )
    page.click("#area-form button.primary")
    page.wait_for_url(f"{url}/workspace/areas/")
    clean_area = org.growing_areas.get(code="VT-51-DHA-7702")
    page.goto(f"{url}/workspace/products/")
    page.click("details summary")
    page.fill("#p-name", "Cà phê nhân Thôn 4")
    page.select_option("#p-cat", "coffee")
    page.fill("#p-brand", "Cà phê Thôn 4")
    page.fill("#p-shelf", "365")
    page.set_input_files("#p-img", {"name": "cafe.png", "mimeType": "image/png", "buffer": _png()})
    page.click("form button.primary")
    page.wait_for_url(f"{url}/workspace/products/")

    # 3. a week of diary entries; one recorded offline and synced later
    page.goto(f"{url}/workspace/diary/")
    page.click(f"#area-chips button:has-text('{area.code}')")
    _entry(page, "fertilising", days_ago=7, product="NPK 16-16-8")
    _entry(page, "irrigating", days_ago=6)
    _entry(page, "pruning", days_ago=5)
    _entry(page, "spraying", days_ago=3, product="Anvil 5SC", phi="14")
    page.click(f"#area-chips button:has-text('{clean_area.code}')")
    _entry(page, "fertilising", days_ago=4, product="Phân chuồng hoai")
    _entry(page, "weeding", days_ago=2)
    context.set_offline(True)
    page.evaluate("window.dispatchEvent(new Event('offline'))")
    _entry(page, "irrigating", days_ago=1)
    assert page.inner_text("#queue-count") == "1"
    assert page.is_visible("#queue")
    assert DiaryEntry.objects.filter(organization=org).count() == 6
    context.set_offline(False)
    page.wait_for_selector("#queue", state="hidden", timeout=15000)
    assert DiaryEntry.objects.filter(organization=org).count() == 7
    assert DiaryEntry.objects.filter(organization=org, source="offline").count() == 1

    # measurement: one entry that repeats the last one (defaults filled in): taps and seconds; the sync's own
    # "Đã lưu" notice is taken away first, so the one waited for below is this entry's
    page.wait_for_selector(".toast")
    _dismiss_notices(page)
    start = time.perf_counter()
    page.click("#activity-tiles [data-activity=fertilising]")  # tap 1
    assert page.input_value("#f-product") == "Phân chuồng hoai"  # default from the last entry
    page.click("#save")  # tap 2
    page.wait_for_selector(".toast:has-text('Đã lưu')")
    seconds = time.perf_counter() - start
    print(f"\nDIARY ENTRY on 390x844: 2 taps (activity, save), {seconds:.2f} s to the server's confirmation")
    assert DiaryEntry.objects.filter(organization=org).count() == 8

    # 4. harvest inside the pre-harvest interval: blocked, with the reason and the date
    page.goto(f"{url}/workspace/harvest/?area={area.pk}")
    page.fill(f"input[name=qty_{area.pk}]", "800")
    page.click("#harvest-form button.primary")
    page.wait_for_url("**/workspace/lots/*/")
    allowed = (timezone.localdate() - dt.timedelta(days=3) + dt.timedelta(days=14)).strftime("%d/%m/%Y")
    assert "Thời gian cách ly thuốc bảo vệ thực vật" in page.content()
    assert f"Được công bố từ ngày {allowed}" in page.content()
    page.click("#submit-lot")
    page.wait_for_load_state()
    blocked = Lot.objects.get(origin_areas=area)
    assert blocked.status == "draft"
    assert allowed in page.content()
    assert RuleDecision.objects.filter(lot=blocked, outcome="block", trigger="submit").exists()

    # 5. harvest the clean area, dry it (processing), ship part to the roaster
    page.goto(f"{url}/workspace/harvest/?area={clean_area.pk}")
    page.fill(f"input[name=qty_{clean_area.pk}]", "1000")
    page.click("#harvest-form button.primary")
    page.wait_for_url("**/workspace/lots/*/")
    fresh = Lot.objects.get(origin_areas=clean_area, made_by__isnull=True)
    assert "Các quy tắc đều đạt" in page.content()
    page.goto(f"{url}/workspace/process/?lot={fresh.pk}")
    page.select_option("#p-process", "drying")
    page.fill("input[name=in_quantity] >> nth=0", "1000")
    page.select_option("select[name=out_product] >> nth=0", label="Cà phê nhân Thôn 4")
    page.fill("input[name=out_quantity] >> nth=0", "620")
    page.click("form button.primary")
    page.wait_for_url("**/workspace/lots/*/")
    dried = Lot.objects.get(made_by__isnull=False)
    assert fresh.lot_code in page.content()

    page.goto(f"{url}/workspace/shipments/new/?lot={dried.pk}")
    page.select_option("select[name=receiver]", roaster.tax_code)
    page.fill("input[name=in_quantity] >> nth=0", "300")
    page.click("form button.primary")
    page.wait_for_url("**/workspace/shipments/*/")
    assert "Đang chờ bên nhận xác nhận" in page.content()
    shipment = Shipment.objects.get()

    # 6. the receiver confirms on their phone
    rcontext, rpage = _phone(browser)
    _login(rpage, url, "rangxay")
    rpage.goto(f"{url}/workspace/")
    rpage.click("#attention a:has-text('Hàng đến chờ xác nhận')")
    rpage.click("#confirm-receipt")
    rpage.wait_for_selector("#shipment-status")
    assert rpage.inner_text("#shipment-status") == "Đã nhận đủ"
    shipment.refresh_from_db()
    assert shipment.status == "received" and shipment.receive_event_id
    rcontext.close()

    # 7. submit the dried lot; the agency publishes it; request stamps; print labels once approved
    page.goto(f"{url}/workspace/lots/{dried.pk}/")
    page.click("#submit-lot")
    page.wait_for_selector("text=Đã gửi duyệt lúc")
    dried.refresh_from_db()
    assert dried.status == "submitted"
    publication.publish_lot(actor=officer, lot=dried, reason="Đủ hồ sơ")
    page.goto(f"{url}/workspace/lots/{dried.pk}/")
    page.click("text=Đề nghị cấp tem cho lô này")
    page.fill("#t-qty", "65")
    page.click("#request-stamps")
    page.wait_for_selector("#batches li:has-text('Chờ duyệt')")
    from stamps.models import StampBatch
    from stamps.services import approve_batch

    batch = StampBatch.objects.get()
    assert (batch.lot_id, batch.quantity) == (dried.pk, 65)
    approve_batch(actor=officer, batch=batch)
    page.reload()
    page.click("text=Tạo tệp in tem (PDF)")  # a job makes the sheet (the worker beside the server); the page waits
    page.wait_for_selector("#download-labels", timeout=60_000)
    assert page.inner_text("#label-done") == "Đã tạo xong: 1 trang."
    with page.expect_download() as download:
        page.click("#download-labels")
    pdf = tmp_path / "labels.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert User.objects.filter(username="ydung").exists()
    context.close()
