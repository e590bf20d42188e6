"""Small PDFs written byte by byte for the upload tests: a catalogue (object 1), a page tree (2, 3) and extra
objects (4…), with a classic xref table, or with the extra objects only inside a compressed object stream."""

from __future__ import annotations

import io
import zlib

PAGES = [b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]


def classic(catalog: bytes, extra: tuple[bytes, ...] = ()) -> bytes:
    objects = [catalog, *PAGES, *extra]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def compressed(catalog: bytes, hidden: tuple[bytes, ...]) -> bytes:
    """Objects 1-3 in the open; `hidden` (numbered 4…) only in a Flate-compressed /ObjStm, with an xref stream."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = {}
    for number, body in enumerate([catalog, *PAGES], 1):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    first = 4
    pairs, bodies = [], b""
    for k, body in enumerate(hidden):
        pairs.append(b"%d %d" % (first + k, len(bodies)))
        bodies += body + b"\n"
    head = b" ".join(pairs) + b"\n"
    data = zlib.compress(head + bodies)
    stream_number = first + len(hidden)
    offsets[stream_number] = out.tell()
    out.write(
        b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (stream_number, len(hidden), len(head), len(data))
        + data
        + b"\nendstream\nendobj\n"
    )
    xref_number = stream_number + 1
    xref_offset = out.tell()
    offsets[xref_number] = xref_offset
    rows = b"\x00\x00\x00\x00\xff\xff"
    for number in range(1, xref_number + 1):
        if number in offsets:
            rows += b"\x01" + offsets[number].to_bytes(4, "big") + b"\x00"
        else:
            rows += b"\x02" + stream_number.to_bytes(4, "big") + (number - first).to_bytes(1, "big")
    out.write(
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 1] /Root 1 0 R /Length %d >>\nstream\n"
        % (xref_number, xref_number + 1, len(rows))
        + rows
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_offset
    )
    return out.getvalue()
