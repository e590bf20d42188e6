"""GS1 Digital Link URIs on this portal: parse (uncompressed, compressed, partially compressed), normalise, build.

Pure Python (no Django). Uncompressed paths are parsed with biip, which pads GTIN-8/12/13 to
GTIN-14 but reports a bad check digit in a field (``gtin_error``…) instead of raising: this
module checks those and raises :class:`InvalidLink`. Compressed segments are decoded by
:mod:`stamps.compression` and then go through the same biip checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, unquote

from biip import ParseError
from biip.gs1_digital_link_uris import GS1DigitalLinkURI

from stamps.compression import CompressionError, compress, decompress, looks_compressed

__all__ = ["PRIMARY_KEYS", "DigitalLink", "InvalidLink", "parse_path", "parse_uri"]

# Primary keys this portal resolves, with their qualifiers in the order GS1 requires.
PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "01": ("22", "10", "21"),
    "00": (),
    "414": ("254",),
    "417": (),
}
_ALL_PRIMARY = {"00", "01", "253", "255", "401", "402", "414", "417", "8003", "8004", "8006", "8010", "8013", "8017"}


class InvalidLink(ValueError):
    """Not a GS1 Digital Link, or a key with a wrong check digit or length."""


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

    def path(self) -> str:
        """The canonical uncompressed path: primary key, then qualifiers in GS1 order; no query."""
        parts = [f"/{self.primary}/{quote(self.key, safe='')}"]
        for ai in PRIMARY_KEYS.get(self.primary, ()):
            if ai in self.qualifiers:
                parts.append(f"/{ai}/{quote(self.qualifiers[ai], safe='')}")
        return "".join(parts)

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


def _from_pairs(pairs: list[tuple[str, str]], query: dict[str, str], compressed: bool) -> DigitalLink:
    if not pairs or pairs[0][0] not in _ALL_PRIMARY:
        raise InvalidLink("a Digital Link starts with a primary key such as /01/<GTIN>")
    primary = pairs[0][0]
    if primary not in PRIMARY_KEYS:
        raise InvalidLink(f"primary key {primary} is not resolved here")
    if primary == "01" and (len(pairs[0][1]) not in (8, 12, 13, 14) or not pairs[0][1].isdigit()):
        raise InvalidLink("a GTIN has 8, 12, 13 or 14 digits")
    allowed = PRIMARY_KEYS[primary]
    qualifiers = {ai: v for ai, v in pairs[1:] if ai in allowed}
    attributes = {ai: v for ai, v in pairs[1:] if ai not in allowed}
    attributes.update(query)
    # Let biip check formats and check digits on the canonical form (it pads GTINs to 14 digits).
    path = f"/{primary}/{quote(pairs[0][1], safe='')}" + "".join(
        f"/{ai}/{quote(qualifiers[ai], safe='')}" for ai in allowed if ai in qualifiers
    )
    try:
        parsed = GS1DigitalLinkURI.parse("https://x" + path)
    except ParseError as exc:
        raise InvalidLink(str(exc)) from exc
    _check_errors(parsed)
    values = {e.ai.ai: e.value for e in parsed.element_strings}
    return DigitalLink(
        primary=primary,
        key=values[primary],
        qualifiers={ai: values[ai] for ai in allowed if ai in values},
        attributes=attributes,
        compressed=compressed,
    )


def parse_path(path: str, query: str = "") -> DigitalLink:
    """Parse the path (and query string) of a Digital Link on any host, in any of its three forms."""
    segments = [s for s in path.split("/") if s]
    query_pairs = {k: v for k, v in parse_qsl(query, keep_blank_values=False) if k.isdigit()}
    start = next((i for i, s in enumerate(segments) if s in _ALL_PRIMARY), None)
    if start is None:
        # Fully compressed: the last segment holds everything.
        if not segments or not looks_compressed(segments[-1]):
            raise InvalidLink("no GS1 primary key in the path")
        try:
            pairs, _other = decompress(segments[-1])
        except CompressionError as exc:
            raise InvalidLink(str(exc)) from exc
        return _from_pairs(pairs, query_pairs, compressed=True)
    rest = segments[start:]
    compressed = False
    pairs = [(rest[i], unquote(rest[i + 1])) for i in range(0, len(rest) - 1, 2)]
    if len(rest) % 2:
        # Partially compressed: primary key (and maybe qualifiers) in clear, the rest compressed.
        if not looks_compressed(rest[-1]):
            raise InvalidLink("odd number of path segments")
        try:
            extra, _other = decompress(rest[-1])
        except CompressionError as exc:
            raise InvalidLink(str(exc)) from exc
        pairs += extra
        compressed = True
    return _from_pairs(pairs, query_pairs, compressed=compressed)


def parse_uri(uri: str) -> DigitalLink:
    """Parse a full Digital Link URI (``https://host/01/…``)."""
    from urllib.parse import urlsplit

    parts = urlsplit(uri.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidLink("a Digital Link is an http(s) URI")
    return parse_path(parts.path, parts.query)
