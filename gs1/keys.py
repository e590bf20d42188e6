"""GS1 identification keys: check digits, lengths, company prefixes and key allocation arithmetic. Pure Python.

GS1 General Specifications §7.9 (the standard mod-10 check digit: weights 3, 1, 3… from the right), §3.2 (the
element strings: GTIN AI 01, SSCC AI 00, GLN AI 414/417, GRAI AI 8003, GIAI AI 8004, GSRN AI 8018) and §1.4
(GS1 company prefixes of 6 to 12 digits; the length of one comes from GS1's prefix table, as biip ships it).
"""

from __future__ import annotations

import re

from biip.gs1_prefixes import GS1CompanyPrefix

__all__ = [
    "KEY_LENGTHS",
    "InvalidIdentifier",
    "KeyExhausted",
    "check",
    "check_digit",
    "company_prefix_length",
    "gtin14",
    "key_at",
    "key_capacity",
    "with_check_digit",
]

_DIGITS = re.compile(r"^\d+$")

# Digits of each numeric key, check digit included (GS1 General Specifications §3.2).
KEY_LENGTHS: dict[str, tuple[int, ...]] = {
    "gtin": (8, 12, 13, 14),
    "gln": (13,),
    "sscc": (18,),
    "gsrn": (18,),
    "grai": (13,),  # the numeric part of AI 8003 after its leading 0; a serial may follow
}


class InvalidIdentifier(ValueError):
    """A GS1 key that is malformed or has a wrong check digit."""


class KeyExhausted(ValueError):
    """Every key of a kind under a company prefix has been allocated."""


def check_digit(payload: str) -> int:
    """GS1 standard mod-10 check digit of `payload` (weights 3, 1, 3… from the right)."""
    total = sum(int(d) for d in payload[-2::-2]) + 3 * sum(int(d) for d in payload[::-2])
    return (10 - total % 10) % 10


def with_check_digit(payload: str) -> str:
    """`payload` followed by its check digit."""
    return payload + str(check_digit(payload))


def check(digits: str, what: str) -> None:
    """Raise :class:`InvalidIdentifier` unless `digits` are digits ending in their right check digit."""
    if not _DIGITS.match(digits):
        raise InvalidIdentifier(f"{what} must be digits: {digits!r}")
    if check_digit(digits[:-1]) != int(digits[-1]):
        raise InvalidIdentifier(f"wrong check digit in {what} {digits}: expected {check_digit(digits[:-1])}")


def checked(kind: str, value: str) -> str:
    """`value` after checking its length and check digit as a key of `kind` (gtin, gln, sscc, gsrn, grai)."""
    if len(value) not in KEY_LENGTHS[kind]:
        sizes = ", ".join(str(n) for n in KEY_LENGTHS[kind])
        raise InvalidIdentifier(f"a {kind.upper()} has {sizes} digits: {value!r}")
    check(value, kind.upper())
    return value


def gtin14(gtin: str) -> str:
    """Pad a GTIN-8/12/13/14 to 14 digits after checking its check digit."""
    if len(gtin) not in KEY_LENGTHS["gtin"]:
        raise InvalidIdentifier(f"a GTIN has 8, 12, 13 or 14 digits: {gtin!r}")
    check(gtin, "GTIN")
    return gtin.zfill(14)


def company_prefix_length(digits: str, given: int | None = None) -> int:
    """The length of the GS1 company prefix `digits` start with: `given` (checked) or GS1's prefix table's."""
    if given is not None:
        if not 6 <= given <= 12:
            raise ValueError("a GS1 company prefix has 6 to 12 digits")
        return given
    found = GS1CompanyPrefix.extract(digits)
    if found is None:
        raise ValueError(f"cannot tell the company prefix length of {digits}; pass company_prefix_length")
    return len(found.value)


# Digits before the check digit that a key of each kind gives its company prefix and reference (GS1 GenSpecs
# §3.2): a GTIN-13 or GLN is prefix + reference (12); an SSCC is extension digit + prefix + serial (17); a GRAI's
# first 13 digits (the GRAI-13 of a kind of asset, before its serial) are prefix + asset type (12), as a GTIN-13's.
_ALLOCATED = {"gtin": 12, "gln": 12, "sscc": 16, "grai": 12}


def key_capacity(prefix: str, kind: str) -> int:
    """How many keys of `kind` (gtin: a GTIN-13, gln, sscc, grai: a GRAI-13) a company prefix has room for."""
    return 10 ** (_ALLOCATED[kind] - len(prefix))


def key_at(prefix: str, kind: str, number: int, extension: int = 0) -> str:
    """The `number`-th key of `kind` under `prefix`: gtin (a GTIN-13), gln, sscc (with its extension digit) or
    grai (a GRAI-13: company prefix, asset type, check digit).

    Raises :class:`KeyExhausted` past the last one (`key_capacity`)."""
    width = _ALLOCATED[kind] - len(prefix)
    if not 0 <= number < 10**width:
        raise KeyExhausted(f"no {kind} left under GS1 company prefix {prefix}")
    head = str(extension) if kind == "sscc" else ""
    reference = f"{number:0{width}d}" if width else ""  # a 12-digit prefix leaves no digit (format gives "0")
    return with_check_digit(f"{head}{prefix}{reference}")
