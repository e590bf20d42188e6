"""QR codes for Digital Links (segno): SVG and PNG for the web, module matrices for label PDFs."""

from __future__ import annotations

import io

import segno

MAX_CODE_LENGTH = 1024


def make(code: str) -> segno.QRCode:
    """A QR code of `code`, error correction M (raised when it fits), never a Micro QR."""
    return segno.make(code, error="m", micro=False, boost_error=True)


def svg(code: str, scale: int = 4, border: int = 4) -> bytes:
    buffer = io.BytesIO()
    make(code).save(buffer, kind="svg", scale=scale, border=border, xmldecl=False, svgns=True, title=None)
    return buffer.getvalue()


def png(code: str, scale: int = 8, border: int = 4) -> bytes:
    buffer = io.BytesIO()
    make(code).save(buffer, kind="png", scale=scale, border=border)
    return buffer.getvalue()


def runs(code: str) -> tuple[int, list[tuple[int, int, int]]]:
    """The QR's size in modules and its dark modules as horizontal runs (row, first column, length)."""
    qr = make(code)
    result = []
    for y, row in enumerate(qr.matrix):
        x = 0
        width = len(row)
        while x < width:
            if row[x] & 1:
                start = x
                while x < width and row[x] & 1:
                    x += 1
                result.append((y, start, x - start))
            else:
                x += 1
    return len(qr.matrix), result
