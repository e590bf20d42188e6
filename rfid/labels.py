"""Labels for RFID printers, one path for everything the platform tags: logistic units (SSCC-96: filter 6 for a
pallet, 2 for a case), serialised stamp items (SGTIN-96, filter 1: point of sale; the same EPC as their PDF sheet,
`stamps.printing.batch_labels`) and returnable assets (GRAI-96, filter 0). Each `Label` carries the QR (the GS1
Digital Link on this portal), what it is, its key in human-readable form and the EPC written on the tag; `zpl`
prints any of them on Zebra-compatible RFID printers and the pages of `rfid.ui` print them on an office printer.

ZPL per label: `^RS8` (Gen 2 tags), `^RFW,H,2,12,1` writing the 12 bytes of the EPC in hexadecimal from word 2 of
the EPC bank (after the CRC and PC words), then the QR (`^BQN`, model 2, `QA,` data), the title (wrapped on two
lines at most), the text lines and the EPC in clear.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings

from accounts.permissions import Actor, require
from catalog.services.common import prefix_for
from gs1.binary import decode_grai96, decode_sgtin96
from gs1.identifiers import GS1Key, digital_link
from logistics.models import LogisticUnit
from rfid.models import ReturnableAsset
from rfid.tags import grai_hex, sscc_hex
from stamps import printing
from stamps.models import StampBatch


@dataclass(frozen=True)
class Label:
    title: str  # what it is: a unit's kind, a product's name, an asset's kind
    lines: tuple[str, ...]  # the key in human-readable form (GS1 AIs in brackets), a stamp's lot and check code
    epc_hex: str
    epc_uri: str
    link: str


def _base() -> str:
    return str(settings.TRUYXUAT_PORTAL_URL).rstrip("/")


def unit_label(unit: LogisticUnit) -> Label:
    cpl = len(prefix_for(unit.organization))
    uri = f"urn:epc:id:sscc:{unit.sscc[1 : 1 + cpl]}.{unit.sscc[0]}{unit.sscc[1 + cpl : 17]}"
    link = digital_link(GS1Key("sscc", "", sscc=unit.sscc), base=_base())
    epc = sscc_hex(unit.sscc, cpl, unit.kind == "pallet")
    return Label(str(unit.get_kind_display()), (f"(00) {unit.sscc}",), epc, uri, link)


def stamp_labels(*, actor: Actor, batch: StampBatch) -> Iterator[Label]:
    """The labels of an approved batch whose check codes are still on the server (members of the producer, or
    officers: who may print it), refused at the call (not at the first label) as its PDF sheet is
    (`stamps.printing.batch_labels`); the labels are made as they are read (a batch may hold 100,000)."""
    require(printing.can_print(actor, batch))
    items = printing.batch_labels(batch)
    first = next(items, None)  # the batch's state is checked here
    gtin = batch.product.gtin.zfill(14)

    def each() -> Iterator[Label]:
        if first is not None:
            yield _stamp(first, gtin)
        for item in items:
            yield _stamp(item, gtin)

    return each()


def _stamp(item: printing.sheets.Label, gtin: str) -> Label:
    lines: tuple[str, ...] = (f"Lô/Lot: {item.lot}",) if item.lot else ()
    lines += (f"(01) {gtin} (21) {item.serial}", f"Mã KT: {item.check_code}")
    return Label(item.product, lines, item.epc, decode_sgtin96(item.epc).pure_identity_uri, item.url)


def asset_label(asset: ReturnableAsset) -> Label:
    epc = grai_hex(asset.grai, asset.serial, asset.asset_type.prefix_length)
    key = f"0{asset.grai}{asset.serial}"  # AI 8003: a 0, the GRAI-13, the serial
    uri = decode_grai96(epc).pure_identity_uri
    return Label(asset.asset_type.name, (f"(8003) {key}",), epc, uri, f"{_base()}/8003/{key}")


def _field(text: str) -> str:
    """ZPL field data: `^` and `~` are command prefixes; drop them (and control characters)."""
    return "".join(c for c in text if c not in "^~" and c.isprintable())


def _format(label: Label) -> str:
    """4 × 3 in at 203 dpi (812 × 609 dots): the QR top left, the title beside it (wrapped, four lines at most), the
    key's lines under the QR across the label's width (a stamp's GTIN and serial need it), the EPC at the foot."""
    rows = [
        "^XA",
        "^CI28",
        "^RS8",
        f"^RFW,H,2,12,1^FD{label.epc_hex}^FS",
        f"^FO30,30^BQN,2,6^FDQA,{_field(label.link)}^FS",
        f"^FO330,40^FB450,4,0,L^A0N,34,34^FD{_field(label.title)}^FS",
    ]
    rows += [f"^FO30,{300 + 44 * i}^A0N,30,30^FD{_field(line)}^FS" for i, line in enumerate(label.lines)]
    rows += [f"^FO30,540^A0N,26,26^FDEPC {label.epc_hex}^FS", "^XZ"]
    return "\n".join(rows)


def zpl(labels: list[Label]) -> str:
    """One ZPL format per label (4 × 3 in at 203 dpi)."""
    return "".join(zpl_stream(labels))


def zpl_stream(labels: Iterable[Label]) -> Iterator[str]:
    """`zpl`, one label's format (and its line end) at a time, for a download too long to hold in memory."""
    for label in labels:
        yield _format(label) + "\n"
