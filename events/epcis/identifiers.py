"""GS1 keys in EPC URN and GS1 Digital Link form, reduced to one canonical key.

The same lot can appear in an event as ``urn:epc:class:lgtin:4012345.012345.998877``
or as ``https://id.gs1.org/01/04012345123456/10/998877`` (or on any other resolver
host).  :func:`parse_key` turns either into a :class:`GS1Key`; its ``key`` is the
canonical string (the Digital Link on ``id.gs1.org``), so the two forms compare equal.

URN <-> GTIN follows the GS1 EPC Tag Data Standard (TDS 2.x, section 6/7): in an SGTIN or
LGTIN URN the first digit of the item-reference field is the GTIN indicator digit, the
GTIN-14 is ``indicator + company prefix + rest of item reference + check digit``, and
the check digit must be recomputed.  URN serials and lots are %-escaped per TDS.
Check digits of Digital Link keys are verified (biip reports bad ones in
``gtin_error`` / ``gln_error`` instead of raising, so we check and raise ourselves).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal
from urllib.parse import quote, unquote, urlsplit

from biip.gs1_prefixes import GS1CompanyPrefix

__all__ = [
    "GS1Key",
    "InvalidIdentifier",
    "KeyKind",
    "digital_link",
    "epc_class_urn",
    "epc_urn",
    "gtin14",
    "key_of",
    "parse_key",
]

KeyKind = Literal["lgtin", "sgtin", "gtin", "sscc", "sgln", "pgln", "other"]
DEFAULT_BASE = "https://id.gs1.org"

_URN = re.compile(r"^urn:epc:(id|class|idpat):([a-z0-9]+):(.+)$", re.IGNORECASE)
_DIGITS = re.compile(r"^\d+$")
# Characters TDS allows unescaped in URN serials/lots (GS1 AI encodable character set 82).
_URN_SAFE = "!'()*+,-.:;=_"
# Digital Link path segments: RFC 3986 pchar minus the ones GS1 DL asks to escape.
_DL_SAFE = "!$'()*+,-.:;=@_~"


class InvalidIdentifier(ValueError):
    """A GS1 key that is malformed or has a wrong check digit."""


@dataclass(frozen=True, slots=True)
class GS1Key:
    """A GS1 identifier, however it was written.

    ``kind`` is one of lgtin (GTIN + lot), sgtin (GTIN + serial), gtin (a product class,
    e.g. ``urn:epc:idpat:sgtin:...*``), sscc, sgln (GLN + extension), pgln (party GLN) or
    other (anything else; ``key`` is then the string itself).  ``source`` is the string
    as it was given.
    """

    kind: KeyKind
    source: str
    gtin14: str | None = None
    lot: str | None = None
    serial: str | None = None
    sscc: str | None = None
    gln: str | None = None
    extension: str | None = None

    @property
    def key(self) -> str:
        """The canonical string: equal for the URN and Digital Link forms of one key."""
        return self.source if self.kind == "other" else digital_link(self)


def check_digit(payload: str) -> int:
    """GS1 standard mod-10 check digit of `payload` (weights 3, 1, 3… from the right), as biip computes it."""
    total = sum(int(d) for d in payload[-2::-2]) + 3 * sum(int(d) for d in payload[::-2])
    return (10 - total % 10) % 10


def _check(digits: str, what: str) -> None:
    if not _DIGITS.match(digits):
        raise InvalidIdentifier(f"{what} must be digits: {digits!r}")
    if check_digit(digits[:-1]) != int(digits[-1]):
        raise InvalidIdentifier(f"wrong check digit in {what} {digits}: expected {check_digit(digits[:-1])}")


def gtin14(gtin: str) -> str:
    """Pad a GTIN-8/12/13/14 to 14 digits after checking its check digit."""
    if len(gtin) not in (8, 12, 13, 14):
        raise InvalidIdentifier(f"a GTIN has 8, 12, 13 or 14 digits: {gtin!r}")
    _check(gtin, "GTIN")
    return gtin.zfill(14)


def _with_check(payload: str) -> str:
    return payload + str(check_digit(payload))


def _urn_fields(body: str, count: int, urn: str) -> list[str]:
    parts = body.split(".", count - 1)
    if len(parts) != count:
        raise InvalidIdentifier(f"malformed EPC URN {urn!r}")
    return parts


def _gtin_from_urn(company: str, item_ref: str, urn: str) -> str:
    if not (_DIGITS.match(company) and _DIGITS.match(item_ref)) or len(company) + len(item_ref) != 13:
        raise InvalidIdentifier(f"company prefix + item reference must be 13 digits in {urn!r}")
    return _with_check(item_ref[0] + company + item_ref[1:])


def _parse_urn(urn: str) -> GS1Key:
    match = _URN.match(urn)
    if not match:
        return GS1Key("other", urn)
    form, scheme, body = match.group(1).lower(), match.group(2).lower(), match.group(3)
    if form == "id" and scheme == "sgtin":
        company, item_ref, serial = _urn_fields(body, 3, urn)
        return GS1Key("sgtin", urn, gtin14=_gtin_from_urn(company, item_ref, urn), serial=unquote(serial))
    if form == "class" and scheme == "lgtin":
        company, item_ref, lot = _urn_fields(body, 3, urn)
        return GS1Key("lgtin", urn, gtin14=_gtin_from_urn(company, item_ref, urn), lot=unquote(lot))
    if form == "idpat" and scheme == "sgtin":
        company, item_ref, serial = _urn_fields(body, 3, urn)
        if serial != "*" or "*" in company + item_ref:
            return GS1Key("other", urn)
        return GS1Key("gtin", urn, gtin14=_gtin_from_urn(company, item_ref, urn))
    if form == "id" and scheme == "sscc":
        company, serial_ref = _urn_fields(body, 2, urn)
        if not (_DIGITS.match(company) and _DIGITS.match(serial_ref)) or len(company + serial_ref) != 17:
            raise InvalidIdentifier(f"company prefix + serial reference must be 17 digits in {urn!r}")
        return GS1Key("sscc", urn, sscc=_with_check(serial_ref[0] + company + serial_ref[1:]))
    if form == "id" and scheme in ("sgln", "pgln"):
        count = 3 if scheme == "sgln" else 2
        fields = _urn_fields(body, count, urn)
        company, location_ref = fields[0], fields[1]
        if not (_DIGITS.match(company) and _DIGITS.match(location_ref)) or len(company + location_ref) != 12:
            raise InvalidIdentifier(f"company prefix + location reference must be 12 digits in {urn!r}")
        gln = _with_check(company + location_ref)
        if scheme == "pgln":
            return GS1Key("pgln", urn, gln=gln)
        extension = unquote(fields[2])
        return GS1Key("sgln", urn, gln=gln, extension=None if extension == "0" else extension)
    return GS1Key("other", urn)


def _dl_segments(uri: str) -> list[str] | None:
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    segments = [unquote(s) for s in parts.path.split("/") if s]
    for start, segment in enumerate(segments):
        if segment in ("01", "00", "414", "417") and start + 1 < len(segments):
            return segments[start:]
    return None


def _parse_digital_link(uri: str) -> GS1Key:
    segments = _dl_segments(uri)
    if segments is None or len(segments) % 2:
        return GS1Key("other", uri)
    pairs = dict(zip(segments[::2], segments[1::2], strict=True))
    primary = segments[0]
    if primary == "01":
        gtin = gtin14(pairs["01"])
        if "21" in pairs:
            return GS1Key("sgtin", uri, gtin14=gtin, serial=pairs["21"])
        if "10" in pairs:
            return GS1Key("lgtin", uri, gtin14=gtin, lot=pairs["10"])
        return GS1Key("gtin", uri, gtin14=gtin)
    if primary == "00":
        value = pairs["00"]
        if len(value) != 18:
            raise InvalidIdentifier(f"an SSCC has 18 digits: {value!r}")
        _check(value, "SSCC")
        return GS1Key("sscc", uri, sscc=value)
    value = pairs[primary]
    if len(value) != 13:
        raise InvalidIdentifier(f"a GLN has 13 digits: {value!r}")
    _check(value, "GLN")
    if primary == "417":
        return GS1Key("pgln", uri, gln=value)
    return GS1Key("sgln", uri, gln=value, extension=pairs.get("254"))


def parse_key(value: str) -> GS1Key:
    """Parse an EPC URN or a GS1 Digital Link URI (any host) into a :class:`GS1Key`.

    Raises :class:`InvalidIdentifier` for a recognisable GS1 key that is malformed or
    has a wrong check digit; anything unrecognised comes back as kind ``other``.
    """
    value = value.strip()
    if value[:8].lower() == "urn:epc:":
        return _parse_urn(value)
    if value[:4].lower() == "http":
        return _parse_digital_link(value)
    return GS1Key("other", value)


@lru_cache(maxsize=1 << 16)
def key_of(value: str) -> str:
    """The canonical key of an identifier; the string itself when it is not a valid GS1 key (memoised)."""
    try:
        return parse_key(value).key
    except InvalidIdentifier:
        return value


def _seg(value: str) -> str:
    return quote(value, safe=_DL_SAFE)


def digital_link(key: GS1Key, base: str = DEFAULT_BASE) -> str:
    """The GS1 Digital Link URI of a key on ``base`` (``https://id.gs1.org`` by default)."""
    base = base.rstrip("/")
    if key.kind in ("sgtin", "lgtin", "gtin") and key.gtin14:
        uri = f"{base}/01/{key.gtin14}"
        if key.kind == "lgtin" and key.lot is not None:
            uri += f"/10/{_seg(key.lot)}"
        if key.kind == "sgtin" and key.serial is not None:
            uri += f"/21/{_seg(key.serial)}"
        return uri
    if key.kind == "sscc" and key.sscc:
        return f"{base}/00/{key.sscc}"
    if key.kind == "sgln" and key.gln:
        uri = f"{base}/414/{key.gln}"
        return uri + (f"/254/{_seg(key.extension)}" if key.extension else "")
    if key.kind == "pgln" and key.gln:
        return f"{base}/417/{key.gln}"
    return key.source


def _company_prefix_length(digits: str, company_prefix_length: int | None) -> int:
    if company_prefix_length is not None:
        if not 6 <= company_prefix_length <= 12:
            raise ValueError("a GS1 company prefix has 6 to 12 digits")
        return company_prefix_length
    found = GS1CompanyPrefix.extract(digits)
    if found is None:
        raise ValueError(f"cannot tell the company prefix length of {digits}; pass company_prefix_length")
    return len(found.value)


def _urn_escape(value: str) -> str:
    return quote(value, safe=_URN_SAFE)


def _gtin_parts(gtin: str, cpl: int | None) -> tuple[str, str]:
    n = _company_prefix_length(gtin[1:13], cpl)
    return gtin[1 : 1 + n], gtin[0] + gtin[1 + n : 13]


def epc_class_urn(key: GS1Key, company_prefix_length: int | None = None) -> str:
    """The EPC class URN of a product class or lot.

    lgtin -> ``urn:epc:class:lgtin:CP.IR.LOT``; gtin -> ``urn:epc:idpat:sgtin:CP.IR.*``.
    The company prefix length comes from GS1's prefix table (via biip) unless given.
    """
    if key.kind not in ("lgtin", "gtin", "sgtin") or key.gtin14 is None:
        raise ValueError(f"no EPC class URN for a {key.kind} key")
    company, item_ref = _gtin_parts(key.gtin14, company_prefix_length)
    if key.kind == "lgtin" and key.lot is not None:
        return f"urn:epc:class:lgtin:{company}.{item_ref}.{_urn_escape(key.lot)}"
    return f"urn:epc:idpat:sgtin:{company}.{item_ref}.*"


def epc_urn(key: GS1Key, company_prefix_length: int | None = None) -> str:
    """The EPC URN of an instance-level key (sgtin, sscc, sgln, pgln) or class (lgtin, gtin)."""
    if key.kind in ("lgtin", "gtin"):
        return epc_class_urn(key, company_prefix_length)
    if key.kind == "sgtin" and key.gtin14 and key.serial is not None:
        company, item_ref = _gtin_parts(key.gtin14, company_prefix_length)
        return f"urn:epc:id:sgtin:{company}.{item_ref}.{_urn_escape(key.serial)}"
    if key.kind == "sscc" and key.sscc:
        n = _company_prefix_length(key.sscc[1:13], company_prefix_length)
        return f"urn:epc:id:sscc:{key.sscc[1 : 1 + n]}.{key.sscc[0]}{key.sscc[1 + n : 17]}"
    if key.kind in ("sgln", "pgln") and key.gln:
        n = _company_prefix_length(key.gln, company_prefix_length)
        head = f"{key.gln[:n]}.{key.gln[n:12]}"
        if key.kind == "pgln":
            return f"urn:epc:id:pgln:{head}"
        return f"urn:epc:id:sgln:{head}.{_urn_escape(key.extension) if key.extension else '0'}"
    if key.kind == "other":
        return key.source
    raise ValueError(f"incomplete {key.kind} key")
