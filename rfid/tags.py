"""A tag's EPC bank as readers report it (24 hexadecimal digits of a 96-bit EPC) decoded to its identity, and the
EPC to write on a unit's or an item's tag (GS1 EPC Tag Data Standard, through `gs1.binary`). No Django.

Filter values (TDS §10, Tables 10-1 to 10-4): SSCC 2 "full case for transport", 6 "unit load" (a pallet);
SGTIN 1 "point of sale trade item"; GRAI 0 "all others" (the only one Table 10-4 assigns).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from gs1.binary import (
    GRAI96_HEADER,
    SGTIN96_HEADER,
    SSCC96_HEADER,
    EpcError,
    decode_grai96,
    decode_sgtin96,
    decode_sscc96,
    encode_grai96,
    encode_sgtin96,
    encode_sscc96,
)
from gs1.identifiers import key_of

SSCC_FILTER_CASE = 2
SSCC_FILTER_UNIT_LOAD = 6
SGTIN_FILTER_POS = 1
GRAI_FILTER_ALL = 0
HEADERS = {SGTIN96_HEADER: "sgtin", SSCC96_HEADER: "sscc", GRAI96_HEADER: "grai"}


class TagError(ValueError):
    """A malformed EPC, or a header this platform does not read; `message` is Vietnamese / English."""


@dataclass(frozen=True)
class Tag:
    hex: str
    scheme: str  # sgtin, sscc, grai
    uri: str  # pure identity: urn:epc:id:sscc:…
    key: str  # canonical key (GS1 Digital Link)
    filter: int
    sscc: str = ""
    gtin: str = ""
    grai: str = ""  # GRAI-13 (company prefix, asset type, check digit)
    serial: str = ""  # SGTIN and GRAI serials


@lru_cache(maxsize=65536)  # a tag is read many times: decode it once
def decode(value: str) -> Tag:
    text = value.strip().upper() if isinstance(value, str) else ""
    if text.startswith("0X"):
        text = text[2:]
    if len(text) != 24 or any(c not in "0123456789ABCDEF" for c in text):
        raise TagError(f"Mã EPC phải gồm 24 chữ số hệ mười sáu / an EPC is 24 hexadecimal digits: {value!r}")
    scheme = HEADERS.get(int(text[:2], 16))
    if scheme is None:
        raise TagError(f"Không đọc được loại thẻ {text[:2]} / unknown EPC header 0x{text[:2]}")
    try:
        if scheme == "sscc":
            unit = decode_sscc96(text)
            return Tag(
                text, scheme, unit.pure_identity_uri, key_of(unit.pure_identity_uri), unit.filter, sscc=unit.sscc
            )
        if scheme == "sgtin":
            item = decode_sgtin96(text)
            return Tag(
                text,
                scheme,
                item.pure_identity_uri,
                key_of(item.pure_identity_uri),
                item.filter,
                gtin=item.gtin,
                serial=item.serial,
            )
        asset = decode_grai96(text)
        uri = asset.pure_identity_uri
        return Tag(text, scheme, uri, key_of(uri), asset.filter, grai=asset.grai, serial=asset.serial)
    except EpcError as exc:
        raise TagError(f"Thẻ {text} hỏng / a malformed {scheme.upper()}-96 tag: {exc}") from None


def sscc_hex(sscc: str, company_prefix_length: int, pallet: bool) -> str:
    """The SSCC-96 EPC of a logistic unit: filter 6 (unit load) for a pallet, 2 (full case) otherwise."""
    return encode_sscc96(sscc, company_prefix_length, SSCC_FILTER_UNIT_LOAD if pallet else SSCC_FILTER_CASE)


def sgtin_hex(gtin: str, serial: str, company_prefix_length: int) -> str:
    """The SGTIN-96 EPC of a serialised item (filter 1, point of sale)."""
    return encode_sgtin96(gtin, serial, company_prefix_length, SGTIN_FILTER_POS)


def grai_hex(grai: str, serial: str, company_prefix_length: int) -> str:
    """The GRAI-96 EPC of a returnable asset (filter 0, all others)."""
    return encode_grai96(grai, serial, company_prefix_length, GRAI_FILTER_ALL)
