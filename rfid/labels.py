"""Labels of logistic units for RFID printers: the QR (GS1 Digital Link of the SSCC on this portal), the SSCC in
human-readable form and the SSCC-96 EPC written on the tag (`rfid.tags.sscc_hex`: filter 6 for a pallet, 2 for a
case), as ZPL for Zebra-compatible RFID printers and as a page to print on an office printer (`rfid.ui`).

ZPL per unit: `^RS8` (Gen 2 tags), `^RFW,H,2,12,1` writing the 12 bytes of the EPC in hexadecimal from word 2 of
the EPC bank (after the CRC and PC words), then the QR (`^BQN`, model 2, `QA,` data) and the text lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from catalog.services.common import prefix_for
from gs1.identifiers import GS1Key, digital_link
from logistics.models import LogisticUnit
from rfid.tags import sscc_hex


@dataclass(frozen=True)
class Label:
    sscc: str
    kind: str
    epc_hex: str
    epc_uri: str
    link: str


def unit_label(unit: LogisticUnit) -> Label:
    cpl = len(prefix_for(unit.organization))
    uri = f"urn:epc:id:sscc:{unit.sscc[1 : 1 + cpl]}.{unit.sscc[0]}{unit.sscc[1 + cpl : 17]}"
    link = digital_link(GS1Key("sscc", "", sscc=unit.sscc), base=settings.TRUYXUAT_PORTAL_URL.rstrip("/"))
    return Label(unit.sscc, str(unit.get_kind_display()), sscc_hex(unit.sscc, cpl, unit.kind == "pallet"), uri, link)


def _field(text: str) -> str:
    """ZPL field data: `^` and `~` are command prefixes; drop them (and control characters)."""
    return "".join(c for c in text if c not in "^~" and c.isprintable())


def zpl(labels: list[Label]) -> str:
    """One ZPL format per label (4 × 3 in at 203 dpi)."""
    out = []
    for label in labels:
        out.append(
            "\n".join(
                [
                    "^XA",
                    "^CI28",
                    "^RS8",
                    f"^RFW,H,2,12,1^FD{label.epc_hex}^FS",
                    f"^FO30,30^BQN,2,6^FDQA,{_field(label.link)}^FS",
                    f"^FO330,40^A0N,34,34^FD{_field(label.kind)}^FS",
                    f"^FO330,90^A0N,28,28^FD(00) {label.sscc}^FS",
                    f"^FO30,400^A0N,24,24^FDEPC {label.epc_hex}^FS",
                    "^XZ",
                ]
            )
        )
    return "\n".join(out) + "\n"
