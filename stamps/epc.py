"""SGTIN-96 EPC binary encoding for RFID tags (GS1 EPC Tag Data Standard, §14.5.1). Pure Python.

96 bits: header ``0x30`` (8) | filter (3) | partition (3) | company prefix | item reference | serial (38).
The partition says how the 44 bits after it are split between the GS1 company prefix and the
item reference (the GTIN's indicator digit followed by the rest of its item reference). The serial
is an integer below 2^38 written without leading zeros; alphanumeric serials need SGTIN-198.
"""

from __future__ import annotations

from dataclasses import dataclass

from biip.checksums import gs1_standard_check_digit

__all__ = ["EpcError", "Sgtin96", "decode_sgtin96", "encode_sgtin96"]

HEADER = 0x30
SERIAL_BITS = 38
MAX_SERIAL = 2**SERIAL_BITS - 1
# partition → (company prefix digits, company prefix bits, item reference digits, item reference bits)
PARTITIONS = {
    0: (12, 40, 1, 4),
    1: (11, 37, 2, 7),
    2: (10, 34, 3, 10),
    3: (9, 30, 4, 14),
    4: (8, 27, 5, 17),
    5: (7, 24, 6, 20),
    6: (6, 20, 7, 24),
}
FILTER_POS_ITEM = 1  # "point of sale trade item"


class EpcError(ValueError):
    """A GTIN, company prefix length or serial that SGTIN-96 cannot hold, or a malformed tag."""


@dataclass(frozen=True)
class Sgtin96:
    gtin: str  # GTIN-14
    serial: str
    company_prefix_length: int
    filter: int = FILTER_POS_ITEM

    @property
    def company_prefix(self) -> str:
        return self.gtin[1 : 1 + self.company_prefix_length]

    @property
    def item_reference(self) -> str:
        return self.gtin[0] + self.gtin[1 + self.company_prefix_length : 13]

    @property
    def pure_identity_uri(self) -> str:
        return f"urn:epc:id:sgtin:{self.company_prefix}.{self.item_reference}.{self.serial}"

    @property
    def tag_uri(self) -> str:
        return f"urn:epc:tag:sgtin-96:{self.filter}.{self.company_prefix}.{self.item_reference}.{self.serial}"


def encode_sgtin96(gtin: str, serial: str, company_prefix_length: int, filter_value: int = FILTER_POS_ITEM) -> str:
    """The 24-hex-digit EPC of a serialised item."""
    gtin = gtin.zfill(14)
    if len(gtin) != 14 or not gtin.isdigit() or gs1_standard_check_digit(gtin[:13]) != int(gtin[13]):
        raise EpcError(f"not a valid GTIN: {gtin!r}")
    partition = next((p for p, row in PARTITIONS.items() if row[0] == company_prefix_length), None)
    if partition is None:
        raise EpcError("the GS1 company prefix has 6 to 12 digits")
    if not serial.isdigit() or (len(serial) > 1 and serial[0] == "0") or int(serial) > MAX_SERIAL:
        raise EpcError("SGTIN-96 serials are integers from 0 to 274877906943 without leading zeros")
    if not 0 <= filter_value <= 7:
        raise EpcError("the filter value is 0 to 7")
    _cp_digits, cp_bits, _ir_digits, ir_bits = PARTITIONS[partition]
    item = Sgtin96(gtin, serial, company_prefix_length, filter_value)
    value = HEADER
    for number, bits in (
        (filter_value, 3),
        (partition, 3),
        (int(item.company_prefix), cp_bits),
        (int(item.item_reference), ir_bits),
        (int(serial), SERIAL_BITS),
    ):
        value = (value << bits) | number
    return f"{value:024X}"


def decode_sgtin96(hex_epc: str) -> Sgtin96:
    """Decode a 96-bit SGTIN EPC (24 hex digits) back to GTIN-14, serial and filter."""
    text = hex_epc.strip().upper()
    if len(text) != 24 or any(c not in "0123456789ABCDEF" for c in text):
        raise EpcError("an SGTIN-96 EPC is 24 hexadecimal digits")
    value = int(text, 16)
    bits = format(value, "096b")
    if int(bits[:8], 2) != HEADER:
        raise EpcError("not an SGTIN-96 tag (header is not 0x30)")
    filter_value = int(bits[8:11], 2)
    partition = int(bits[11:14], 2)
    if partition not in PARTITIONS:
        raise EpcError("invalid partition value")
    cp_digits, cp_bits, ir_digits, ir_bits = PARTITIONS[partition]
    company = int(bits[14 : 14 + cp_bits], 2)
    item = int(bits[14 + cp_bits : 14 + cp_bits + ir_bits], 2)
    serial = int(bits[58:], 2)
    if company >= 10**cp_digits or item >= 10**ir_digits:
        raise EpcError("company prefix or item reference out of range")
    cp, ir = f"{company:0{cp_digits}d}", f"{item:0{ir_digits}d}"
    body = ir[0] + cp + ir[1:]
    gtin = body + str(gs1_standard_check_digit(body))
    return Sgtin96(gtin=gtin, serial=str(serial), company_prefix_length=cp_digits, filter=filter_value)
