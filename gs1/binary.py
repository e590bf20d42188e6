"""EPC binary encodings for RFID tags: SGTIN-96, SSCC-96 and GRAI-96 (GS1 EPC Tag Data Standard 2.x). Pure Python.

Each is 96 bits: an 8-bit header (§14.2: 0x30 SGTIN-96, 0x31 SSCC-96, 0x33 GRAI-96), a 3-bit filter value
(§10), a 3-bit partition value, then the GS1 company prefix and the reference the partition table splits 44 (SGTIN,
GRAI) or 58 (SSCC) bits between (§14.5.1 Table 14-2 SGTIN, §14.5.2 Table 14-5 SSCC, §14.5.4 Table 14-9 GRAI),
then a 38-bit serial (SGTIN, GRAI) or 24 reserved zero bits (SSCC).

- SGTIN (§6.3.1): the item reference is the GTIN's indicator digit followed by the rest of its item reference;
  the serial is an integer below 2^38 without leading zeros (alphanumeric serials need SGTIN-198).
- SSCC (§6.3.2): the serial reference is the extension digit followed by the rest of the serial reference.
- GRAI (§6.3.4): the asset type (0 to 6 digits: 12 minus the company prefix's) after the company prefix; the
  GRAI-13 is ``company prefix + asset type + check digit``; serials as SGTIN-96's (GRAI-170 for the others).

Check digits are computed (never stored on the tag) by :mod:`gs1.keys`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from gs1.keys import check_digit

__all__ = [
    "EpcError",
    "Grai96",
    "Sgtin96",
    "Sscc96",
    "decode_grai96",
    "decode_sgtin96",
    "decode_sscc96",
    "encode_grai96",
    "encode_sgtin96",
    "encode_sscc96",
]

SGTIN96_HEADER = 0x30
SSCC96_HEADER = 0x31
GRAI96_HEADER = 0x33
HEADER = SGTIN96_HEADER
SERIAL_BITS = 38
MAX_SERIAL = 2**SERIAL_BITS - 1
SSCC_RESERVED_BITS = 24
# partition → (company prefix digits, company prefix bits, reference digits, reference bits)
PARTITIONS = {  # SGTIN (Table 14-2): the reference is the item reference with its indicator digit
    0: (12, 40, 1, 4),
    1: (11, 37, 2, 7),
    2: (10, 34, 3, 10),
    3: (9, 30, 4, 14),
    4: (8, 27, 5, 17),
    5: (7, 24, 6, 20),
    6: (6, 20, 7, 24),
}
SSCC_PARTITIONS = {  # SSCC (Table 14-5): the serial reference with its extension digit
    0: (12, 40, 5, 18),
    1: (11, 37, 6, 21),
    2: (10, 34, 7, 24),
    3: (9, 30, 8, 28),
    4: (8, 27, 9, 31),
    5: (7, 24, 10, 34),
    6: (6, 20, 11, 38),
}
GRAI_PARTITIONS = {  # GRAI (Table 14-9): the asset type, which may have no digit at all
    0: (12, 40, 0, 4),
    1: (11, 37, 1, 7),
    2: (10, 34, 2, 10),
    3: (9, 30, 3, 14),
    4: (8, 27, 4, 17),
    5: (7, 24, 5, 20),
    6: (6, 20, 6, 24),
}
FILTER_POS_ITEM = 1  # SGTIN "point of sale trade item" (§10.1)
FILTER_SSCC_ALL = 0  # SSCC "all others" (§10.2)
FILTER_GRAI_ALL = 0  # GRAI "all others" (§10.4)

Partitions = dict[int, tuple[int, int, int, int]]


class EpcError(ValueError):
    """A key, company prefix length or serial that the encoding cannot hold, or a malformed tag."""


class _Epc96:
    """The EPC URIs of a 96-bit tag (TDS §6: pure identity; §12.3: tag URI): its scheme and its fields."""

    scheme: ClassVar[str]
    filter: int

    def fields(self) -> tuple[str, ...]:
        raise NotImplementedError

    @property
    def company_prefix(self) -> str:
        return self.fields()[0]

    @property
    def pure_identity_uri(self) -> str:
        return f"urn:epc:id:{self.scheme}:" + ".".join(self.fields())

    @property
    def tag_uri(self) -> str:
        return f"urn:epc:tag:{self.scheme}-96:{self.filter}." + ".".join(self.fields())


@dataclass(frozen=True)
class Sgtin96(_Epc96):
    gtin: str  # GTIN-14
    serial: str
    company_prefix_length: int
    filter: int = FILTER_POS_ITEM
    scheme: ClassVar[str] = "sgtin"

    @property
    def item_reference(self) -> str:
        return self.gtin[0] + self.gtin[1 + self.company_prefix_length : 13]

    def fields(self) -> tuple[str, ...]:
        return (self.gtin[1 : 1 + self.company_prefix_length], self.item_reference, self.serial)


@dataclass(frozen=True)
class Sscc96(_Epc96):
    sscc: str  # 18 digits
    company_prefix_length: int
    filter: int = FILTER_SSCC_ALL
    scheme: ClassVar[str] = "sscc"

    @property
    def serial_reference(self) -> str:
        return self.sscc[0] + self.sscc[1 + self.company_prefix_length : 17]

    def fields(self) -> tuple[str, ...]:
        return (self.sscc[1 : 1 + self.company_prefix_length], self.serial_reference)


@dataclass(frozen=True)
class Grai96(_Epc96):
    grai: str  # GRAI-13: company prefix, asset type, check digit
    serial: str
    company_prefix_length: int
    filter: int = FILTER_GRAI_ALL
    scheme: ClassVar[str] = "grai"

    @property
    def asset_type(self) -> str:
        return self.grai[self.company_prefix_length : 12]

    @property
    def element_string(self) -> str:
        """The AI 8003 value: a 0, the GRAI-13, the serial."""
        return f"0{self.grai}{self.serial}"

    def fields(self) -> tuple[str, ...]:
        return (self.grai[: self.company_prefix_length], self.asset_type, self.serial)


def _checked_key(value: str, length: int, what: str) -> None:
    if len(value) != length or not value.isdigit() or check_digit(value[:-1]) != int(value[-1]):
        raise EpcError(f"not a valid {what}: {value!r}")


def _partition(table: Partitions, company_prefix_length: int) -> int:
    partition = next((p for p, row in table.items() if row[0] == company_prefix_length), None)
    if partition is None:
        raise EpcError("the GS1 company prefix has 6 to 12 digits")
    return partition


def _checked_serial(serial: str, what: str) -> int:
    if not serial.isdigit() or (len(serial) > 1 and serial[0] == "0") or int(serial) > MAX_SERIAL:
        raise EpcError(f"{what} serials are integers from 0 to 274877906943 without leading zeros")
    return int(serial)


def _checked_filter(filter_value: int) -> None:
    if not 0 <= filter_value <= 7:
        raise EpcError("the filter value is 0 to 7")


def _pack(header: int, fields: list[tuple[int, int]]) -> str:
    value = header
    for number, bits in fields:
        value = (value << bits) | number
    return f"{value:024X}"


def _bits(hex_epc: str, header: int, name: str) -> str:
    text = hex_epc.strip().upper()
    if len(text) != 24 or any(c not in "0123456789ABCDEF" for c in text):
        raise EpcError(f"an {name} EPC is 24 hexadecimal digits")
    bits = format(int(text, 16), "096b")
    if int(bits[:8], 2) != header:
        raise EpcError(f"not an {name} tag (header is not 0x{header:02X})")
    return bits


def _split(bits: str, table: Partitions) -> tuple[int, int, str, str, int]:
    """(filter, partition, company prefix, reference, bit position after them) of a tag's bits."""
    filter_value, partition = int(bits[8:11], 2), int(bits[11:14], 2)
    if partition not in table:
        raise EpcError("invalid partition value")
    cp_digits, cp_bits, ref_digits, ref_bits = table[partition]
    company = int(bits[14 : 14 + cp_bits], 2)
    reference = int(bits[14 + cp_bits : 14 + cp_bits + ref_bits], 2)
    if company >= 10**cp_digits or reference >= 10**ref_digits:
        raise EpcError("company prefix or reference out of range")
    ref = f"{reference:0{ref_digits}d}" if ref_digits else ""
    return filter_value, partition, f"{company:0{cp_digits}d}", ref, 14 + cp_bits + ref_bits


def encode_sgtin96(gtin: str, serial: str, company_prefix_length: int, filter_value: int = FILTER_POS_ITEM) -> str:
    """The 24-hex-digit EPC of a serialised item."""
    gtin = gtin.zfill(14)
    _checked_key(gtin, 14, "GTIN")
    partition = _partition(PARTITIONS, company_prefix_length)
    number = _checked_serial(serial, "SGTIN-96")
    _checked_filter(filter_value)
    _cp_digits, cp_bits, _ir_digits, ir_bits = PARTITIONS[partition]
    item = Sgtin96(gtin, serial, company_prefix_length, filter_value)
    fields = [(filter_value, 3), (partition, 3), (int(item.company_prefix), cp_bits)]
    return _pack(SGTIN96_HEADER, [*fields, (int(item.item_reference), ir_bits), (number, SERIAL_BITS)])


def decode_sgtin96(hex_epc: str) -> Sgtin96:
    """Decode a 96-bit SGTIN EPC (24 hex digits) back to GTIN-14, serial and filter."""
    bits = _bits(hex_epc, SGTIN96_HEADER, "SGTIN-96")
    filter_value, _partition_value, cp, ir, end = _split(bits, PARTITIONS)
    body = ir[0] + cp + ir[1:]
    serial = int(bits[end:], 2)
    return Sgtin96(body + str(check_digit(body)), str(serial), len(cp), filter_value)


def encode_sscc96(sscc: str, company_prefix_length: int, filter_value: int = FILTER_SSCC_ALL) -> str:
    """The 24-hex-digit EPC of a logistic unit (18-digit SSCC)."""
    _checked_key(sscc, 18, "SSCC")
    partition = _partition(SSCC_PARTITIONS, company_prefix_length)
    _checked_filter(filter_value)
    _cp_digits, cp_bits, _sr_digits, sr_bits = SSCC_PARTITIONS[partition]
    unit = Sscc96(sscc, company_prefix_length, filter_value)
    fields = [(filter_value, 3), (partition, 3), (int(unit.company_prefix), cp_bits)]
    return _pack(SSCC96_HEADER, [*fields, (int(unit.serial_reference), sr_bits), (0, SSCC_RESERVED_BITS)])


def decode_sscc96(hex_epc: str) -> Sscc96:
    """Decode a 96-bit SSCC EPC back to the SSCC, its company prefix length and filter."""
    bits = _bits(hex_epc, SSCC96_HEADER, "SSCC-96")
    filter_value, _partition_value, cp, sr, end = _split(bits, SSCC_PARTITIONS)
    if bits[end:].strip("0"):
        raise EpcError("the reserved bits of an SSCC-96 are zero")
    body = sr[0] + cp + sr[1:]
    return Sscc96(body + str(check_digit(body)), len(cp), filter_value)


def encode_grai96(grai: str, serial: str, company_prefix_length: int, filter_value: int = FILTER_GRAI_ALL) -> str:
    """The 24-hex-digit EPC of a returnable asset: GRAI-13 (or the 14-digit AI 8003 start, 0 + GRAI-13), serial."""
    if len(grai) == 14 and grai[0] == "0":
        grai = grai[1:]
    _checked_key(grai, 13, "GRAI")
    partition = _partition(GRAI_PARTITIONS, company_prefix_length)
    number = _checked_serial(serial, "GRAI-96")
    _checked_filter(filter_value)
    _cp_digits, cp_bits, _at_digits, at_bits = GRAI_PARTITIONS[partition]
    asset = Grai96(grai, serial, company_prefix_length, filter_value)
    fields = [(filter_value, 3), (partition, 3), (int(asset.company_prefix), cp_bits)]
    return _pack(GRAI96_HEADER, [*fields, (int(asset.asset_type or "0"), at_bits), (number, SERIAL_BITS)])


def decode_grai96(hex_epc: str) -> Grai96:
    """Decode a 96-bit GRAI EPC back to GRAI-13, serial and filter."""
    bits = _bits(hex_epc, GRAI96_HEADER, "GRAI-96")
    filter_value, _partition_value, cp, asset_type, end = _split(bits, GRAI_PARTITIONS)
    body = cp + asset_type
    return Grai96(body + str(check_digit(body)), str(int(bits[end:], 2)), len(cp), filter_value)
