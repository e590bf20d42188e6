"""Printable label sheets (reportlab), one name apart from `portal/labels.py` (the story page's translated texts):
A4 sticker layouts and a roll format.

Each label carries the item's Digital Link as a QR code, the product name, lot, serial, the short check
code, the portal's address and, along its foot, the SGTIN-96 EPC (hexadecimal) that an RFID inlay of the label is
written with (`stamps.printing.batch_labels`; the same EPC as the ZPL for RFID printers, `rfid.labels`), so a tag
can be encoded or checked against the printed label. Text is set in DejaVu Sans (Vietnamese diacritics) when the
system has it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from stamps import qr
from stamps.choices import LabelLayout


@dataclass(frozen=True)
class Layout:
    page: tuple[float, float]
    columns: int
    rows: int
    width: float
    height: float
    left: float
    top: float
    pitch_x: float
    pitch_y: float

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


LAYOUTS: dict[str, Layout] = {
    LabelLayout.A4_65: Layout(A4, 5, 13, 38.1 * mm, 21.2 * mm, 4.7 * mm, 10.7 * mm, 40.6 * mm, 21.2 * mm),
    LabelLayout.A4_40: Layout(A4, 4, 10, 48.5 * mm, 25.4 * mm, 8.0 * mm, 21.5 * mm, 48.5 * mm, 25.4 * mm),
    LabelLayout.A4_24: Layout(A4, 3, 8, 64.0 * mm, 33.9 * mm, 6.0 * mm, 13.0 * mm, 66.0 * mm, 33.9 * mm),
    LabelLayout.ROLL_40x30: Layout((40 * mm, 30 * mm), 1, 1, 40 * mm, 30 * mm, 0, 0, 40 * mm, 30 * mm),
}
FONT_CANDIDATES = [
    os.environ.get("TRUYXUAT_LABEL_FONT", ""),
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
]


@dataclass(frozen=True)
class Label:
    url: str
    product: str
    lot: str
    serial: str
    check_code: str
    epc: str = ""  # SGTIN-96, 24 hexadecimal digits


def _font() -> str:
    if "TxLabel" in pdfmetrics.getRegisteredFontNames():
        return "TxLabel"
    for path in FONT_CANDIDATES:
        if path and Path(path).exists():
            pdfmetrics.registerFont(TTFont("TxLabel", path))
            return "TxLabel"
    return "Helvetica"  # no Vietnamese diacritics: install fonts-dejavu-core or set TRUYXUAT_LABEL_FONT


def _fit(canvas: Canvas, text: str, font: str, size: float, width: float) -> str:
    if canvas.stringWidth(text, font, size) <= width:
        return text
    while text and canvas.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _wrap(canvas: Canvas, text: str, font: str, size: float, width: float) -> list[str]:
    """The product name on one or two lines (the second shortened with … if needed)."""
    words, first = text.split(), ""
    while words and canvas.stringWidth((first + " " + words[0]).strip(), font, size) <= width:
        first = (first + " " + words.pop(0)).strip()
    if not first:
        return [_fit(canvas, text, font, size, width)]
    return [first, _fit(canvas, " ".join(words), font, size, width)] if words else [first]


def _draw_epc(canvas: Canvas, epc: str, x: float, y: float, layout: Layout, font: str, pad: float) -> float:
    """The EPC along the label's foot, across its whole width and never cut (the type shrinks to fit); returns the
    height it takes."""
    text = f"EPC {epc}"
    size = min(6.0, (layout.width - 2 * pad) / canvas.stringWidth(text, font, 1))
    canvas.setFillGray(0)
    canvas.setFont(font, size)
    canvas.drawString(x + pad, y + pad * 0.6, text)
    return size * 1.15


def _draw_label(canvas: Canvas, label: Label, x: float, y: float, layout: Layout, font: str) -> None:
    pad = 1.2 * mm
    if label.epc:  # the QR and the text sit above the EPC's line
        strip = _draw_epc(canvas, label.epc, x, y, layout, font, pad)
        y, layout = y + strip, replace(layout, height=layout.height - strip)
    side = min(layout.height - 2 * pad, layout.width * 0.5)
    count, runs = qr.runs(label.url)
    quiet = 2  # modules of quiet zone inside the QR square (plus the label's own margin)
    module = side / (count + 2 * quiet)
    qx, qy = x + pad, y + (layout.height - side) / 2
    canvas.setFillGray(0)
    path = canvas.beginPath()
    for row, col, length in runs:
        path.rect(qx + (quiet + col) * module, qy + side - (quiet + row + 1) * module, length * module, module)
    canvas.drawPath(path, stroke=0, fill=1)
    tx = qx + side + 0.8 * mm
    text_width = x + layout.width - tx - pad
    size = max(4.0, min(7.0, layout.height / mm / 4.6))
    # Serial and check code must never be cut: shrink the type until they fit.
    needed = max(canvas.stringWidth(t, font, 1.05) for t in (f"Số/No: {label.serial}", f"Mã KT: {label.check_code}"))
    size = min(size, text_width / needed)
    lines = [(line, size) for line in _wrap(canvas, label.product, font, size, text_width)]
    lines += [
        (_fit(canvas, f"Lô/Lot: {label.lot}" if label.lot else "", font, size * 0.9, text_width), size * 0.9),
        (_fit(canvas, f"Số/No: {label.serial}", font, size * 0.9, text_width), size * 0.9),
        (_fit(canvas, f"Mã KT: {label.check_code}", font, size * 1.05, text_width), size * 1.05),
        (_fit(canvas, urlsplit(label.url).netloc, font, size * 0.8, text_width), size * 0.8),
    ]
    cursor = y + layout.height - pad - size
    for text, line_size in lines:
        if text:
            canvas.setFont(font, line_size)
            canvas.drawString(tx, cursor, text)
        cursor -= line_size * 1.25


def render(
    labels: Iterable[Label],
    total: int,
    out: IO[bytes] | str,
    layout_name: str = LabelLayout.A4_65,
    progress: Callable[[int, int], None] | None = None,
    title: str = "",
) -> int:
    """Write the labels as a PDF to `out`; calls progress(done, total) after each page. Returns the page count."""
    layout = LAYOUTS[layout_name]
    canvas = Canvas(out, pagesize=layout.page, pageCompression=1)
    canvas.setTitle(title or "Tem truy xuất nguồn gốc")
    font = _font()
    page_height = layout.page[1]
    done = pages = 0
    on_page = 0
    for label in labels:
        col, row = on_page % layout.columns, on_page // layout.columns
        x = layout.left + col * layout.pitch_x
        y = page_height - layout.top - (row + 1) * layout.pitch_y + (layout.pitch_y - layout.height)
        _draw_label(canvas, label, x, y, layout, font)
        done += 1
        on_page += 1
        if on_page == layout.per_page:
            canvas.showPage()
            pages += 1
            on_page = 0
            if progress:
                progress(done, total)
    if on_page or not pages:
        canvas.showPage()
        pages += 1
        if progress:
            progress(done, total)
    canvas.save()
    return pages
