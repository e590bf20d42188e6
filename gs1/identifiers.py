"""GS1 keys in EPC URN and GS1 Digital Link form, reduced to one canonical key.

The same lot can appear in an event as ``urn:epc:class:lgtin:4012345.012345.998877``
or as ``https://id.gs1.org/01/04012345123456/10/998877`` (or on any other resolver
host).  :func:`parse_key` turns either into a :class:`GS1Key`; its ``key`` is the
canonical string (the Digital Link on ``id.gs1.org``), so the two forms compare equal.

URN <-> GTIN follows the GS1 EPC Tag Data Standard (TDS 2.x, §6.3 and §7): in an SGTIN or
LGTIN URN the first digit of the item-reference field is the GTIN indicator digit, the
GTIN-14 is ``indicator + company prefix + rest of item reference + check digit``, and
the check digit must be recomputed.  URN serials and lots are %-escaped per TDS.
Digital Links are read by the one parser, :mod:`gs1.digital_link` (leniently: values as written, compressed
forms only through :func:`canonical_key`); check digits by :mod:`gs1.keys`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal
from urllib.parse import quote, unquote

from gs1 import digital_link as dl
from gs1.keys import InvalidIdentifier, gtin14, with_check_digit
from gs1.keys import company_prefix_length as _cp_length

__all__ = [
    "GS1Key",
    "InvalidIdentifier",
    "KeyKind",
    "canonical_key",
    "digital_link",
    "epc_class_urn",
    "epc_urn",
    "gtin14",
    "key_from_link",
    "key_of",
    "lot_key",
    "parse_key",
]

KeyKind = Literal["lgtin", "sgtin", "gtin", "sscc", "sgln", "pgln", "other"]
DEFAULT_BASE = dl.DEFAULT_BASE

_URN = re.compile(r"^urn:epc:(id|class|idpat):([a-z0-9]+):(.+)$", re.IGNORECASE)
_DIGITS = re.compile(r"^\d+$")
# Characters TDS allows unescaped in URN serials/lots (GS1 AI encodable character set 82).
_URN_SAFE = "!'()*+,-.:;=_"
# Digital Link path segments: RFC 3986 pchar minus the ones GS1 DL asks to escape.
_DL_SAFE = "!$'()*+,-.:;=@_~"


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


def _urn_fields(body: str, count: int, urn: str) -> list[str]:
    parts = body.split(".", count - 1)
    if len(parts) != count:
        raise InvalidIdentifier(f"malformed EPC URN {urn!r}")
    return parts


def _gtin_from_urn(company: str, item_ref: str, urn: str) -> str:
    if not (_DIGITS.match(company) and _DIGITS.match(item_ref)) or len(company) + len(item_ref) != 13:
        raise InvalidIdentifier(f"company prefix + item reference must be 13 digits in {urn!r}")
    return with_check_digit(item_ref[0] + company + item_ref[1:])


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
        return GS1Key("sscc", urn, sscc=with_check_digit(serial_ref[0] + company + serial_ref[1:]))
    if form == "id" and scheme in ("sgln", "pgln"):
        count = 3 if scheme == "sgln" else 2
        fields = _urn_fields(body, count, urn)
        company, location_ref = fields[0], fields[1]
        if not (_DIGITS.match(company) and _DIGITS.match(location_ref)) or len(company + location_ref) != 12:
            raise InvalidIdentifier(f"company prefix + location reference must be 12 digits in {urn!r}")
        gln = with_check_digit(company + location_ref)
        if scheme == "pgln":
            return GS1Key("pgln", urn, gln=gln)
        extension = unquote(fields[2])
        return GS1Key("sgln", urn, gln=gln, extension=None if extension == "0" else extension)
    return GS1Key("other", urn)


def key_from_link(link: dl.DigitalLink, source: str) -> GS1Key:
    """The :class:`GS1Key` a parsed Digital Link names (`source`: the string as written)."""
    if link.primary == "01":
        kind: KeyKind = "sgtin" if link.serial is not None else "lgtin" if link.lot is not None else "gtin"
        return GS1Key(kind, source, gtin14=link.key, lot=link.lot if kind == "lgtin" else None, serial=link.serial)
    if link.primary == "00":
        return GS1Key("sscc", source, sscc=link.key)
    if link.primary == "414":
        return GS1Key("sgln", source, gln=link.key, extension=link.qualifiers.get("254"))
    return GS1Key("pgln", source, gln=link.key)


def _parse_digital_link(uri: str, expand: bool = False) -> GS1Key:
    try:
        link = dl.parse_uri(uri, strict=False, expand=expand)
    except dl.NotDigitalLink:
        return GS1Key("other", uri)
    except dl.InvalidLink as exc:
        raise InvalidIdentifier(str(exc)) from exc
    return key_from_link(link, uri)


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


@lru_cache(maxsize=1 << 16)
def canonical_key(value: str) -> str:
    """The canonical key of an identifier however it is written: EPC URN, Digital Link on any host, or a
    compressed Digital Link (GS1 Digital Link 1.2 §6; `key_of` reads the first two); anything else as it is."""
    key = key_of(value)
    if key != value or not value.startswith(("http://", "https://")):
        return key
    try:
        return _parse_digital_link(value, expand=True).key
    except InvalidIdentifier:
        return value


def lot_key(gtin: str, lot_code: str) -> str:
    """The canonical key of a lot (GTIN-14 and lot code): its Digital Link on id.gs1.org, lot code %-escaped."""
    return digital_link(GS1Key("lgtin", "", gtin14=gtin, lot=lot_code))


def digital_link(key: GS1Key, base: str = DEFAULT_BASE) -> str:
    """The GS1 Digital Link URI of a key on ``base`` (``https://id.gs1.org`` by default)."""
    if key.kind in ("sgtin", "lgtin", "gtin") and key.gtin14:
        pairs = []
        if key.kind == "lgtin" and key.lot is not None:
            pairs.append(("10", key.lot))
        if key.kind == "sgtin" and key.serial is not None:
            pairs.append(("21", key.serial))
        return base.rstrip("/") + dl.build_path("01", key.gtin14, pairs, _DL_SAFE)
    if key.kind == "sscc" and key.sscc:
        return base.rstrip("/") + dl.build_path("00", key.sscc)
    if key.kind == "sgln" and key.gln:
        pairs = [("254", key.extension)] if key.extension else []
        return base.rstrip("/") + dl.build_path("414", key.gln, pairs, _DL_SAFE)
    if key.kind == "pgln" and key.gln:
        return base.rstrip("/") + dl.build_path("417", key.gln)
    return key.source


def _urn_escape(value: str) -> str:
    return quote(value, safe=_URN_SAFE)


def _gtin_parts(gtin: str, cpl: int | None) -> tuple[str, str]:
    n = _cp_length(gtin[1:13], cpl)
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
        n = _cp_length(key.sscc[1:13], company_prefix_length)
        return f"urn:epc:id:sscc:{key.sscc[1 : 1 + n]}.{key.sscc[0]}{key.sscc[1 + n : 17]}"
    if key.kind in ("sgln", "pgln") and key.gln:
        n = _cp_length(key.gln, company_prefix_length)
        head = f"{key.gln[:n]}.{key.gln[n:12]}"
        if key.kind == "pgln":
            return f"urn:epc:id:pgln:{head}"
        return f"urn:epc:id:sgln:{head}.{_urn_escape(key.extension) if key.extension else '0'}"
    if key.kind == "other":
        return key.source
    raise ValueError(f"incomplete {key.kind} key")
