"""GS1 Digital Link URI compression (GS1 Digital Link Standard: URI Syntax, compression section). Pure Python.

A compressed Digital Link carries its element strings as one base64url path segment
(``https://example.org/AQnYUc1gmiCNV4JG`` = ``/01/05412345000013/10/ABC123``); a *partially*
compressed one keeps the primary key in the clear and compresses the rest
(``/01/05412345000013/EEarwSM``). The binary string is a sequence of:

- an AI, its digits written as hex nibbles (``01`` → ``0000 0001``; ``414`` → 12 bits), the
  number of digits following from its first two (the table below, derived from the GS1 AI table
  that biip ships);
- its value, component by component: a fixed-length numeric component as an unsigned integer in
  ``ceil(n·log2 10 + 0.01)`` bits; a variable-length numeric one as its digit count (in
  ``ceil(log2 max + 0.01)`` bits) then the integer; an alphanumeric one as a 3-bit encoding
  (0 digits, 1 lower-case hex, 2 upper-case hex, 3 base64url alphabet, 4 7-bit ASCII), then
  for a variable-length one its length, then the characters (3.32, 4, 4, 6 or 7 bits each);
- or an *optimisation* code (two hex nibbles, at least one A–F) standing for a fixed AI sequence;
- or ``F`` + 7-bit key length + 6-bit key characters + a value: a non-GS1 key=value pair.

The binary string is right-padded with zeros to a multiple of 6 bits and written in base64url
without padding. Encoding writes AIs in lexicographic order without optimisations, as GS1's
reference toolkit does by default; decoding accepts optimisations too.
"""

from __future__ import annotations

import math
import re
from functools import cache, lru_cache

from biip.gs1_application_identifiers import _GS1_APPLICATION_IDENTIFIERS

__all__ = ["CompressionError", "compress", "decompress", "looks_compressed"]

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
HEX = "0123456789ABCDEF"
_B64_RE = re.compile(r"^[A-Za-z0-9_-]+$")
_NUM_RE = re.compile(r"^[0-9]+$")
_HEX_LOWER_RE = re.compile(r"^[0-9a-f]+$")
_HEX_UPPER_RE = re.compile(r"^[0-9A-F]+$")

# Optimisation codes: one two-nibble code for a common sequence of AIs (GS1 DL compression table).
OPTIMISATIONS: dict[str, tuple[str, ...]] = {
    "0A": ("01", "22"),
    "0B": ("01", "10"),
    "0C": ("01", "21"),
    "0D": ("01", "17"),
    "0E": ("01", "7003"),
    "0F": ("01", "30"),
    "1A": ("01", "10", "21", "17"),
    "1B": ("01", "15"),
    "1C": ("01", "11"),
    "1D": ("01", "16"),
    "1E": ("01", "91"),
    "1F": ("01", "10", "15"),
    "9A": ("8010", "8011"),
    "9B": ("8017", "8019"),
    "9C": ("8018", "8019"),
    "9D": ("414", "254"),
    **{f"A{y}": ("01", f"392{y}") for y in "0123456789"},
    **{f"C{y}": ("255", f"390{y}") for y in "0123456789"},
    **{f"C{c}": ("255", f"394{n}") for c, n in zip("ABCD", "0123", strict=True)},
}
# 2A–2F: GTIN + net weight in kg (3100–3105); 3A–3F: GTIN + net weight in lb (3200–3205).
for _i, _code in enumerate("ABCDEF"):
    OPTIMISATIONS[f"2{_code}"] = ("01", f"310{_i}")
    OPTIMISATIONS[f"3{_code}"] = ("01", f"320{_i}")


class CompressionError(ValueError):
    """The segment is not a valid compressed GS1 Digital Link."""


# A value component: (kind "N" or "X", fixed length or None, max length).
Component = tuple[str, int | None, int]


@lru_cache(maxsize=1)
def _ai_length_by_prefix() -> dict[str, int]:
    return {ai[:2]: len(ai) for ai in _GS1_APPLICATION_IDENTIFIERS}


@cache
def components(ai: str) -> tuple[Component, ...]:
    """The value components of an AI, from its GS1 format string (e.g. ``N3+N13[+X..17]``).

    Adjacent fixed-length numeric components are one component (``8006``: N14+N2+N2 is N18),
    and an optional fixed-length component is variable-length up to that length, as in the
    GS1 compression table.
    """
    entry = _GS1_APPLICATION_IDENTIFIERS.get(ai)
    if entry is None:
        raise CompressionError(f"unknown GS1 Application Identifier {ai!r}")
    optional = set(re.findall(r"\[\+?([^\]]+)\]", entry.format))
    result: list[Component] = []
    for part in entry.format.replace("[", "").replace("]", "").split("+")[1:]:
        match = re.fullmatch(r"([NXYZ])(\d+)?(?:\.\.(\d+))?", part)
        if match is None or (match.group(2) is None and match.group(3) is None):
            raise CompressionError(f"AI {ai} cannot be compressed")
        kind = "N" if match.group(1) == "N" else "X"
        if match.group(3) is not None:
            result.append((kind, None, int(match.group(3))))
        elif part in optional:
            result.append((kind, None, int(match.group(2))))
        elif kind == "N" and result and result[-1][0] == "N" and result[-1][1] is not None:
            size = (result[-1][1] or 0) + int(match.group(2))
            result[-1] = ("N", size, size)
        else:
            size = int(match.group(2))
            result.append((kind, size, size))
    return tuple(result)


def value_bits(digits: int) -> int:
    return math.ceil(digits * math.log(10) / math.log(2) + 0.01)


def length_bits(maximum: int) -> int:
    return math.ceil(math.log(maximum) / math.log(2) + 0.01)


def _encoding(text: str) -> int:
    if _NUM_RE.match(text):
        return 0
    if _HEX_UPPER_RE.match(text):
        return 2
    if _HEX_LOWER_RE.match(text):
        return 1
    if _B64_RE.match(text):
        return 3
    return 4


def _chars(text: str, encoding: int) -> str:
    if encoding == 0:
        return format(int(text or "0"), "b").zfill(value_bits(len(text)))
    if encoding in (1, 2):
        return "".join(format(HEX.index(c.upper()), "04b") for c in text)
    if encoding == 3:
        return "".join(format(B64.index(c), "06b") for c in text)
    if any(ord(c) > 127 for c in text):
        raise CompressionError("only 7-bit ASCII can be compressed")
    return "".join(format(ord(c), "07b") for c in text)


def _encode_value(ai: str, value: str) -> str:
    out = []
    cursor = 0
    for kind, fixed, maximum in components(ai):
        if fixed is not None:
            part = value[cursor : cursor + fixed]
            cursor += fixed
            if len(part) != fixed:
                raise CompressionError(f"AI {ai}: value too short")
            if kind == "N":
                out.append(_chars(part, 0))
            else:
                enc = _encoding(part)
                out.append(format(enc, "03b") + _chars(part, enc))
        else:
            part = value[cursor:]
            cursor = len(value)
            if len(part) > maximum:
                raise CompressionError(f"AI {ai}: value too long")
            size = format(len(part), "b").zfill(length_bits(maximum))
            if kind == "N":
                out.append(size + _chars(part, 0))
            else:
                enc = _encoding(part)
                out.append(format(enc, "03b") + size + _chars(part, enc))
    if cursor != len(value):
        raise CompressionError(f"AI {ai}: value too long")
    return "".join(out)


def compress(pairs: dict[str, str] | list[tuple[str, str]]) -> str:
    """Compress GS1 element strings ({AI: value}) into one base64url path segment."""
    items = sorted(pairs.items() if isinstance(pairs, dict) else pairs)
    bits = "".join("".join(format(int(d), "04b") for d in ai) + _encode_value(ai, value) for ai, value in items)
    bits += "0" * (-len(bits) % 6)
    return "".join(B64[int(bits[i : i + 6], 2)] for i in range(0, len(bits), 6))


class _Reader:
    def __init__(self, bits: str) -> None:
        self.bits = bits
        self.pos = 0

    def take(self, count: int) -> str:
        if self.pos + count > len(self.bits):
            raise CompressionError("truncated compressed Digital Link")
        chunk = self.bits[self.pos : self.pos + count]
        self.pos += count
        return chunk

    def number(self, count: int) -> int:
        return int(self.take(count), 2) if count else 0

    def text(self, encoding: int, size: int) -> str:
        if encoding == 0:
            number = self.number(value_bits(size))
            return str(number).zfill(size) if size else ""
        if encoding in (1, 2):
            text = "".join(HEX[self.number(4)] for _ in range(size))
            return text.lower() if encoding == 1 else text
        if encoding == 3:
            return "".join(B64[self.number(6)] for _ in range(size))
        if encoding == 4:
            return "".join(chr(self.number(7)) for _ in range(size))
        raise CompressionError(f"unknown character encoding {encoding}")


def _decode_value(ai: str, reader: _Reader) -> str:
    value = []
    for kind, fixed, maximum in components(ai):
        if kind == "N" and fixed is not None:
            value.append(str(reader.number(value_bits(fixed))).zfill(fixed))
        elif kind == "N":
            size = reader.number(length_bits(maximum))
            number = reader.number(value_bits(size))
            value.append(str(number).zfill(size) if size else "")
        else:
            encoding = reader.number(3)
            size = fixed if fixed is not None else reader.number(length_bits(maximum))
            value.append(reader.text(encoding, size))
    return "".join(value)


def decompress(segment: str) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """Decode a compressed segment into GS1 element strings (in order) and non-GS1 key=value pairs."""
    if not segment or not _B64_RE.match(segment):
        raise CompressionError("not a base64url segment")
    reader = _Reader("".join(format(B64.index(c), "06b") for c in segment))
    lengths = _ai_length_by_prefix()
    pairs: list[tuple[str, str]] = []
    other: dict[str, str] = {}
    while len(reader.bits) - reader.pos > 8:
        h1, h2 = reader.number(4), reader.number(4)
        head = f"{HEX[h1]}{HEX[h2]}"
        if h1 <= 9 and h2 <= 9:
            size = lengths.get(head)
            if size is None:
                raise CompressionError(f"no GS1 Application Identifier starts with {head}")
            ai = head
            for _ in range(size - 2):
                digit = reader.number(4)
                if digit > 9:
                    raise CompressionError("AI digits must be numeric")
                ai += str(digit)
            if ai not in _GS1_APPLICATION_IDENTIFIERS:
                raise CompressionError(f"unknown GS1 Application Identifier {ai}")
            pairs.append((ai, _decode_value(ai, reader)))
        elif head in OPTIMISATIONS:
            for ai in OPTIMISATIONS[head]:
                pairs.append((ai, _decode_value(ai, reader)))
        elif h1 == 15:
            reader.pos -= 4
            key_size = reader.number(7)
            key = "".join(B64[reader.number(6)] for _ in range(key_size))
            encoding = reader.number(3)
            other[key] = reader.text(encoding, reader.number(7))
        else:
            raise CompressionError(f"no optimisation is defined for {head}")
    if reader.bits[reader.pos :].strip("0"):
        raise CompressionError("non-zero padding")
    if not pairs:
        raise CompressionError("no element strings")
    return pairs, other


def looks_compressed(segment: str) -> bool:
    """A path segment that could be a compressed Digital Link (base64url, not all digits)."""
    return len(segment) >= 6 and bool(_B64_RE.match(segment)) and not segment.isdigit()
