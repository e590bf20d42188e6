"""The basemap of the plot maps: `TRUYXUAT_MAP_TILES`, a Leaflet tile URL template, and the CSP source it needs.

Pure (no Django import): settings call it while they load. Leaflet fills `{z}`, `{x}`, `{y}`, `{s}` (a subdomain
letter) and `{r}` (`@2x` on sharp screens); only a leftmost `{s}` may stand in the host, which becomes a CSP
wildcard (`https://*.tile.example.vn`). Anything else there is refused when the settings load rather than leaving
a map that the Content-Security-Policy would block, tile by tile, in silence.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_PLACEHOLDER = re.compile(r"\{[a-z]+\}")
_HOST = re.compile(r"^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$")


class MapTilesError(ValueError):
    """TRUYXUAT_MAP_TILES is not a tile URL template the portal can load."""


def tile_source(template: str) -> str:
    """The CSP source (`scheme://host[:port]`) that lets pages load the tiles of `template`.

    >>> tile_source("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png")
    'https://*.tile.openstreetmap.org'
    >>> tile_source("http://127.0.0.1:8104/tiles/{z}/{x}/{y}.png")
    'http://127.0.0.1:8104'
    """
    parts = urlsplit(template.strip())
    if parts.scheme not in ("https", "http"):
        raise MapTilesError(f"TRUYXUAT_MAP_TILES must start with https:// (or http://): {template!r}")
    netloc = parts.netloc
    if "@" in netloc:
        raise MapTilesError(f"TRUYXUAT_MAP_TILES must not carry a user or password: {template!r}")
    host, _, port = netloc.partition(":")
    if host.startswith("{s}."):
        host = "*." + host[4:]
    if not _HOST.match(host) or (port and not port.isdigit()):
        raise MapTilesError(f"TRUYXUAT_MAP_TILES has a host the portal cannot allow: {template!r}")
    if not {"{z}", "{x}", "{y}"} <= set(_PLACEHOLDER.findall(parts.path + "?" + parts.query)):
        raise MapTilesError(f"TRUYXUAT_MAP_TILES needs {{z}}, {{x}} and {{y}} in its path: {template!r}")
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


Policy = dict[str, dict[str, list[str]]]


def with_tiles(policy: Policy, template: str) -> Policy:
    """A copy of a django-csp `CONTENT_SECURITY_POLICY` whose img-src also allows the tiles of `template`."""
    directives = dict(policy["DIRECTIVES"])
    if template:
        sources = list(directives.get("img-src", ["'self'"]))
        source = tile_source(template)
        if source not in sources:
            sources.append(source)
        directives["img-src"] = sources
    return {**policy, "DIRECTIVES": directives}
