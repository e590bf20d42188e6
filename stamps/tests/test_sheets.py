"""Label sheets: every QR on the printed PDF decodes (zbar) to the item's exact Digital Link."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PIL import Image
from reportlab.lib.units import mm

from catalog.selectors import digital_link
from catalog.tests.factories import LotFactory, ProductFactory
from core.errors import Forbidden
from gs1.binary import decode_sgtin96
from stamps import printing, secrets, services
from stamps.sheets import LAYOUTS


@pytest.fixture(autouse=True)
def _decoders_installed():
    """Fail, never skip, without the independent decoders: `make test` installs them."""
    assert shutil.which("pdftoppm") and shutil.which("zbarimg"), (
        "needs poppler-utils and zbar-tools (scripts/ensure-system-packages.sh)"
    )


DPI = 200


def _decode_cells(pdf, layout_name, count, tmp_path):
    subprocess.run(["pdftoppm", "-png", "-r", str(DPI), str(pdf), str(tmp_path / "page")], check=True)
    layout = LAYOUTS[layout_name]
    px = DPI / 72  # PDF points → pixels
    found: list[str] = []
    pages = sorted(tmp_path.glob("page-*.png"))
    for page in pages:
        image = Image.open(page)
        for index in range(layout.per_page):
            if len(found) + 1 > count:
                break
            col, row = index % layout.columns, index // layout.columns
            left = (layout.left + col * layout.pitch_x) * px
            top = (layout.top + row * layout.pitch_y) * px
            cell = image.crop((int(left), int(top), int(left + layout.width * px), int(top + layout.height * px)))
            cell_path = tmp_path / "cell.png"
            cell.save(cell_path)
            out = subprocess.run(["zbarimg", "-q", "--raw", str(cell_path)], capture_output=True, text=True)
            found.append(out.stdout.strip())
    return found, len(pages)


@pytest.mark.parametrize(("layout", "quantity", "pages"), [("a4-65", 70, 2), ("roll-40x30", 3, 3), ("a4-24", 5, 1)])
def test_label_qr_codes_decode_to_digital_links(producer, officer, organization, tmp_path, layout, quantity, pages):
    lot = LotFactory(product=ProductFactory(organization=organization, name="Cà phê rang xay Đăk Hà"), lot_code="RX/01")
    batch = services.request_batch(actor=producer, product=lot.product, lot=lot, quantity=quantity, layout=layout)
    batch = services.approve_batch(actor=officer, batch=batch)
    pdf = tmp_path / "labels.pdf"
    progress = []
    assert (
        printing.render_batch(actor=producer, batch=batch, out=str(pdf), progress=lambda d, t: progress.append(d))
        == pages
    )
    assert progress[-1] == quantity
    serials = list(batch.stamps.order_by("id").values_list("serial", flat=True))
    expected = [digital_link(lot.product.gtin, "RX/01", s) for s in serials]
    decoded, page_count = _decode_cells(pdf, layout, quantity, tmp_path)
    assert page_count == pages
    assert decoded == expected
    assert "/10/RX%2F01/21/" in decoded[0]
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Cà phê rang" in text
    assert "Đăk" in text  # Vietnamese set in a font that has the glyphs (the name wraps on small labels)
    assert f"Mã KT: {secrets.read_codes(batch.pk)[serials[0]]}" in text
    assert f"Số/No: {serials[0]}" in text
    # each label's foot: the SGTIN-96 its RFID inlay carries, which decodes back to the item (filter 1: point of sale)
    epcs = [epc for _serial, epc in printing.batch_epcs(batch)]
    printed = sorted(line for line in text.splitlines() if line.startswith("EPC "))  # pdftotext's reading order
    assert printed == sorted(f"EPC {epc}" for epc in epcs)
    item = decode_sgtin96(epcs[0])
    assert (item.gtin, item.serial, item.filter) == (lot.product.gtin.zfill(14), serials[0], 1)


def test_only_members_and_officers_print(other_producer, producer, officer, organization, tmp_path):
    batch = services.request_batch(actor=producer, product=ProductFactory(organization=organization), quantity=1)
    batch = services.approve_batch(actor=officer, batch=batch)
    with pytest.raises(Forbidden):
        printing.render_batch(actor=other_producer, batch=batch, out=str(tmp_path / "x.pdf"))
    assert printing.render_batch(actor=officer, batch=batch, out=str(tmp_path / "y.pdf")) == 1
    assert mm  # layouts are in millimetres
