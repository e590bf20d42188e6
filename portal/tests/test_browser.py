"""The consumer journey in headless Chromium against a live server, on a phone-sized screen.

Scan a label printed from the PDF (its rendered image handed to the /scan page's decoder), read the
chain and the map, switch language, see the ledger badge verified by the browser itself, file a
complaint and follow it; then the recalled and counterfeit cases.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PIL import Image, ImageOps

from accounts.permissions import SYSTEM
from catalog import services as catalog_services
from portal.tests.journey import published_lot
from stamps import printing, secrets, services
from stamps.sheets import LAYOUTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.TRUYXUAT_LEDGER_KEY_FILE = tmp_path / "ledger.key"


def _phone(browser):
    return browser.new_page(viewport={"width": 390, "height": 844}, locale="vi-VN")


def _first_label_png(batch, officer, tmp_path):
    """Print the batch's label PDF, render it like a printer/scanner would, and cut out the first label."""
    pdf = tmp_path / "labels.pdf"
    printing.render_batch(actor=officer, batch=batch, out=str(pdf))
    subprocess.run(["pdftoppm", "-png", "-r", "200", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True)
    page = Image.open(next(tmp_path.glob("p-*.png")))
    layout, px = LAYOUTS[batch.layout], 200 / 72
    box = (layout.left * px, layout.top * px, (layout.left + layout.width) * px, (layout.top + layout.height) * px)
    label = ImageOps.expand(page.crop(tuple(int(v) for v in box)), border=40, fill="white")
    path = tmp_path / "label.png"
    label.save(path)
    return path


def test_consumer_journey(browser, live_server, officer, tmp_path):
    assert shutil.which("pdftoppm"), "needs poppler-utils (scripts/ensure-system-packages.sh)"
    lot = published_lot(officer)
    batch = services.request_batch(actor=SYSTEM, product=lot.product, lot=lot, quantity=3)
    batch = services.approve_batch(actor=officer, batch=batch)
    stamp = batch.stamps.order_by("id").first()
    code = secrets.read_codes(batch.pk)[stamp.serial]
    label = _first_label_png(batch, officer, tmp_path)

    page = _phone(browser)
    page.goto(f"{live_server.url}/scan")
    page.set_input_files("#photo", str(label))
    page.wait_for_url(f"**/01/{lot.product.gtin}/10/{lot.lot_code}/21/{stamp.serial}", timeout=20000)
    assert page.locator("#stamp-ok").is_visible()
    assert page.locator("h1").first.inner_text() == "Cà phê nhân Robusta Đăk Hà"
    steps = page.locator("ol.chain li.step").all_inner_texts()
    assert steps[0].startswith("Thu hoạch, khởi tạo") and "Vùng cà phê Thôn 4" in steps[0]
    assert steps[1].startswith("Bán lẻ") and "Cửa hàng Lê Hồng Phong" in steps[1]
    page.wait_for_selector("#map[data-ready]")
    assert page.locator("#map path.leaflet-interactive").count() >= 1  # the growing-area polygon, no tiles
    page.wait_for_selector("#ledger-badge[data-state]", timeout=20000)
    assert page.locator("#ledger-badge").get_attribute("data-state") == "ok"
    assert "Đã xác minh trong sổ cái công khai" in page.locator("#ledger-status").inner_text()

    page.fill("#code", code)
    page.click("#kiem-tra button.primary")
    assert "Mã kiểm tra ĐÚNG" in page.locator("#check-result").inner_text()

    page.click("#lang-switch")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto(f"{live_server.url}/ngon-ngu/vi?next=/")

    page.goto(f"{live_server.url}/01/{lot.product.gtin}/10/{lot.lot_code}")
    page.click("text=Gửi phản ánh về sản phẩm này")
    page.select_option("#id_kind", "complaint")
    page.fill("#id_message", "Bao cà phê bị rách, hạt ẩm.")
    page.click("form.card button.primary")
    page.wait_for_selector("#feedback-received")
    tracking = page.locator("#tracking-code").inner_text()
    assert tracking.startswith("PA-")
    page.goto(f"{live_server.url}/phan-anh/")
    page.fill("input[name=code]", tracking.lower())
    page.click("button.primary")
    assert page.locator("#feedback-message").inner_text() == "Bao cà phê bị rách, hạt ẩm."
    assert page.locator("#feedback-status").inner_text() == "Mới gửi"
    page.close()


def test_recalled_and_counterfeit(browser, live_server, officer):
    lot = published_lot(officer, lot_code="CP2611-02")
    batch = services.approve_batch(
        actor=officer, batch=services.request_batch(actor=SYSTEM, product=lot.product, lot=lot, quantity=1)
    )
    stamp = batch.stamps.get()
    catalog_services.recall_lot(actor=officer, lot=lot, reason="Aflatoxin vượt giới hạn cho phép")
    page = _phone(browser)
    page.goto(f"{live_server.url}/01/{lot.product.gtin}/10/{lot.lot_code}")
    banner = page.locator("#thu-hoi")
    assert banner.is_visible() and "ĐÃ BỊ THU HỒI" in banner.inner_text()
    assert "Aflatoxin vượt giới hạn cho phép" in banner.inner_text()

    page.goto(f"{live_server.url}/01/{lot.product.gtin}/21/12345678901")  # a serial nobody issued
    assert "không do cơ quan quản lý cấp" in page.locator("[role=alert]").first.inner_text()

    item = f"{live_server.url}/01/{lot.product.gtin}/21/{stamp.serial}"
    page.goto(item)
    page.fill("#code", "AAAAAA")
    page.click("#kiem-tra button.primary")
    assert "KHÔNG ĐÚNG" in page.locator("#check-result").inner_text()
    page.goto(item)
    assert "có dấu hiệu bị sao chép" in page.locator("#counterfeit-warning").inner_text()
    page.close()
