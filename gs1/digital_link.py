"""GS1 Digital Link URIs: the one parser (uncompressed, compressed, partially compressed) and the one builder.

Pure Python (no Django). GS1 Digital Link Standard: URI Syntax 1.2 — §4 (path: primary key, then key
qualifiers in the order §4.3 fixes; data attributes in the query), §6 (compression, in :mod:`gs1.compression`),
§7.10 (the canonical form on ``https://id.gs1.org``). Keys' lengths and check digits are checked with
:mod:`gs1.keys`; a *strict* parse (the resolver's) also lets biip check every value's format (AI 10 and 21:
up to 20 characters of GS1 AI encodable character set 82), and raises :class:`InvalidLink`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from biip import ParseError
from biip.gs1_digital_link_uris import GS1DigitalLinkURI

from gs1.compression import CompressionError, compress, decompress, looks_compressed
from gs1.keys import InvalidIdentifier, checked, gtin14

__all__ = [
    "DEFAULT_BASE",
    "PRIMARY_KEYS",
    "DigitalLink",
    "InvalidLink",
    "NotDigitalLink",
    "build_path",
    "parse_path",
    "parse_uri",
    "product_link",
    "product_path",
]

DEFAULT_BASE = "https://id.gs1.org"
# Primary keys this portal resolves, with their qualifiers in the order GS1 requires.
PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "01": ("22", "10", "21"),
    "00": (),
    "414": ("254",),
    "417": (),
}
_ALL_PRIMARY = {"00", "01", "253", "255", "401", "402", "414", "417", "8003", "8004", "8006", "8010", "8013", "8017"}
_KEY_KIND = {"00": "sscc", "414": "gln", "417": "gln"}


def build_path(primary: str, key: str, qualifiers: Iterable[tuple[str, str]] = (), safe: str = "") -> str:
    """``/primary/key/ai/value…``, each value %-escaped but for `safe` (the one Digital Link path builder)."""
    parts = [f"/{primary}/{quote(key, safe=safe)}"]
    parts.extend(f"/{ai}/{quote(value, safe=safe)}" for ai, value in qualifiers)
    return "".join(parts)


def product_path(gtin: str, lot: str | None = None, serial: str | None = None) -> str:
    """The path of a product, lot or item: ``/01/<gtin>[/10/<lot>][/21/<serial>]`` (empty parts left out)."""
    return build_path("01", gtin, [(ai, v) for ai, v in (("10", lot), ("21", serial)) if v])


def product_link(base: str, gtin: str, lot: str | None = None, serial: str | None = None) -> str:
    """The Digital Link URI of a product, lot or item on `base`."""
    return base.rstrip("/") + product_path(gtin, lot, serial)


class InvalidLink(ValueError):
    """Not a GS1 Digital Link, or a key with a wrong check digit or length."""


class NotDigitalLink(InvalidLink):
    """No primary key this portal resolves, or path segments that do not pair up: not a Digital Link here."""


@dataclass(frozen=True)
class DigitalLink:
    """One parsed Digital Link: its primary key, qualifiers (path) and data attributes (query)."""

    primary: str
    key: str
    qualifiers: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, str] = field(default_factory=dict)
    compressed: bool = False

    @property
    def gtin(self) -> str | None:
        return self.key if self.primary == "01" else None

    @property
    def lot(self) -> str | None:
        return self.qualifiers.get("10")

    @property
    def serial(self) -> str | None:
        return self.qualifiers.get("21")

    @property
    def gln(self) -> str | None:
        return self.key if self.primary in ("414", "417") else None

    @property
    def sscc(self) -> str | None:
        return self.key if self.primary == "00" else None

    @property
    def kind(self) -> str:
        """product, lot, item, location, party, logistic_unit."""
        if self.primary == "01":
            return "item" if self.serial else "lot" if self.lot else "product"
        return {"00": "logistic_unit", "414": "location", "417": "party"}.get(self.primary, "other")

    def ordered_qualifiers(self) -> list[tuple[str, str]]:
        """The key qualifiers in the order GS1 requires."""
        return [(ai, self.qualifiers[ai]) for ai in PRIMARY_KEYS.get(self.primary, ()) if ai in self.qualifiers]

    def path(self, safe: str = "") -> str:
        """The canonical uncompressed path: primary key, then qualifiers in GS1 order; no query."""
        return build_path(self.primary, self.key, self.ordered_qualifiers(), safe)

    def uri(self, base: str) -> str:
        return base.rstrip("/") + self.path()

    def compressed_path(self) -> str:
        """The fully compressed path (one base64url segment) of the key and qualifiers."""
        return "/" + compress({self.primary: self.key, **self.qualifiers})


def _check_errors(parsed: GS1DigitalLinkURI) -> None:
    for element in parsed.element_strings:
        for name in ("gtin_error", "gln_error", "sscc_error"):
            error = getattr(element, name, None)
            if error:
                raise InvalidLink(error)


def _checked_key(primary: str, value: str) -> str:
    try:
        return gtin14(value) if primary == "01" else checked(_KEY_KIND[primary], value)
    except InvalidIdentifier as exc:
        raise InvalidLink(str(exc)) from exc


def _from_pairs(pairs: list[tuple[str, str]], query: dict[str, str], compressed: bool, strict: bool) -> DigitalLink:
    if not pairs or pairs[0][0] not in _ALL_PRIMARY:
        raise NotDigitalLink("a Digital Link starts with a primary key such as /01/<GTIN>")
    primary = pairs[0][0]
    if primary not in PRIMARY_KEYS:
        raise NotDigitalLink(f"primary key {primary} is not resolved here")
    key = _checked_key(primary, pairs[0][1])
    allowed = PRIMARY_KEYS[primary]
    qualifiers: dict[str, str] = {}
    attributes: dict[str, str] = {}
    for ai, value in pairs[1:]:
        (qualifiers if ai in allowed else attributes)[ai] = value
    attributes.update(query)
    if strict:
        # biip checks every value's format on the canonical form.
        try:
            parsed = GS1DigitalLinkURI.parse("https://x" + build_path(primary, key, _ordered(allowed, qualifiers)))
        except ParseError as exc:
            raise InvalidLink(str(exc)) from exc
        _check_errors(parsed)
        values = {e.ai.ai: e.value for e in parsed.element_strings}
        qualifiers = {ai: values[ai] for ai in allowed if ai in values}
    return DigitalLink(primary=primary, key=key, qualifiers=qualifiers, attributes=attributes, compressed=compressed)


def _ordered(allowed: tuple[str, ...], qualifiers: dict[str, str]) -> list[tuple[str, str]]:
    return [(ai, qualifiers[ai]) for ai in allowed if ai in qualifiers]


def parse_path(path: str, query: str = "", *, strict: bool = True, expand: bool = True) -> DigitalLink:
    """Parse the path (and query string) of a Digital Link on any host, in any of its three forms.

    `strict` also checks every value's format (the resolver's reading); `expand` decodes compressed forms (without
    it a compressed path is :class:`NotDigitalLink`). Raises :class:`InvalidLink`."""
    segments = [s for s in path.split("/") if s]
    query_pairs = {k: v for k, v in parse_qsl(query, keep_blank_values=False) if k.isdigit()}
    start = next((i for i, s in enumerate(segments) if s in _ALL_PRIMARY), None)
    if start is None:
        # Fully compressed: the last segment holds everything.
        if not expand or not segments or not looks_compressed(segments[-1]):
            raise NotDigitalLink("no GS1 primary key in the path")
        return _from_pairs(_decompressed(segments[-1]), query_pairs, compressed=True, strict=strict)
    rest = segments[start:]
    compressed = False
    pairs = [(rest[i], unquote(rest[i + 1])) for i in range(0, len(rest) - 1, 2)]
    if len(rest) % 2:
        # Partially compressed: primary key (and maybe qualifiers) in clear, the rest compressed.
        if not expand or not looks_compressed(rest[-1]):
            raise NotDigitalLink("odd number of path segments")
        pairs += _decompressed(rest[-1])
        compressed = True
    return _from_pairs(pairs, query_pairs, compressed=compressed, strict=strict)


def _decompressed(segment: str) -> list[tuple[str, str]]:
    try:
        pairs, _other = decompress(segment)
    except CompressionError as exc:
        raise InvalidLink(str(exc)) from exc
    return pairs


def parse_uri(uri: str, *, strict: bool = True, expand: bool = True) -> DigitalLink:
    """Parse a full Digital Link URI (``https://host/01/…``)."""
    parts = urlsplit(uri.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise NotDigitalLink("a Digital Link is an http(s) URI")
    return parse_path(parts.path, parts.query, strict=strict, expand=expand)
