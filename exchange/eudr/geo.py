"""Plot geometry for the EU Information System (TRACES): the checks and the GeoJSON text. Pure: no Django.

The format is the European Commission's "EUDR GeoJSON File Description" (version 1.2, 4 July 2024), published
with the EUDR Information System's API documentation (TRACES, https://eudr.webcloud.ec.europa.eu/tracesnt/): a
GeoJSON (RFC 7946) FeatureCollection in WGS84, coordinates [longitude, latitude] in decimal degrees with at least
six decimals, one Feature per plot with the properties `ProducerName`, `ProducerCountry` (ISO 3166-1 alpha-2),
`ProductionPlace` and `Area` (hectares; required of a Point, which the Regulation allows for plots of at most
4 ha, Art. 2(28)); Polygon and MultiPolygon rings closed, at least four positions, not crossing themselves, and no
holes (the description lists "doughnut" polygons among the errors). `exchange/schemas/eudr_geojson.schema.json`
transcribes the structural part as a JSON Schema; the geometric rules are checked here.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pyproj import Geod
from shapely.geometry import Point, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

GEOD = Geod(ellps="WGS84")
MIN_DECIMALS = 6
POLYGON_ABOVE_HA = 4.0  # Art. 2(28): a point suffices for plots of up to four hectares
# Viet Nam's extent in WGS84 (mainland and near-shore islands; the Hoàng Sa and Trường Sa archipelagos lie beyond
# it and produce no EUDR commodities). A coarse check that catches swapped or foreign coordinates.
VIETNAM_BOX = (102.14, 8.18, 109.47, 23.40)


@dataclass(frozen=True)
class Problem:
    code: str
    vi: str
    en: str

    def text(self) -> str:
        return f"{self.vi} / {self.en}"


def _decimals(value: float) -> int:
    text = repr(float(value))
    if "e" in text or "E" in text:
        return len(f"{value:.15f}".rstrip("0").split(".")[1])
    return len(text.split(".")[1].rstrip("0")) if "." in text else 0


def _positions(geometry: dict[str, Any]) -> list[list[float]]:
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "Point":
        return [coords]  # type: ignore[list-item]
    if kind in ("MultiPoint", "LineString"):
        return list(coords or [])
    if kind == "Polygon":
        return [p for ring in coords or [] for p in ring]
    if kind == "MultiPolygon":
        return [p for poly in coords or [] for ring in poly for p in ring]
    return []


def geodesic_area_ha(geom: BaseGeometry) -> float:
    """The area on the WGS84 ellipsoid, in hectares (pyproj's geodesic polygon area; 0 for a point)."""
    if geom.is_empty or geom.geom_type in ("Point", "MultiPoint"):
        return 0.0
    area, _perimeter = GEOD.geometry_area_perimeter(geom)
    return abs(area) / 10_000


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry.get("type") == "Polygon":
        return [list(geometry["coordinates"][0])] + [list(r) for r in geometry["coordinates"][1:]]
    if geometry.get("type") == "MultiPolygon":
        return [list(r) for poly in geometry["coordinates"] for r in poly]
    return []


def check_plot(geometry: Any, declared_ha: float | Decimal, tolerance_percent: float) -> list[Problem]:
    """What the EU system (or the Regulation) would refuse in one plot, in Vietnamese and English; [] when none."""
    declared = float(declared_ha)
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Point", "Polygon", "MultiPolygon"):
        return [Problem("no_geometry", "không có ranh giới hay toạ độ", "no boundary or point")]
    problems: list[Problem] = []
    positions = _positions(geometry)
    if not positions or any(not isinstance(p, list | tuple) or len(p) < 2 for p in positions):
        return [Problem("bad_geometry", "toạ độ không đọc được", "coordinates cannot be read")]
    if any(len(p) > 2 for p in positions):
        problems.append(Problem("z_coordinate", "có toạ độ độ cao (chỉ nhận kinh độ, vĩ độ)", "has a third coordinate"))
    if max(_decimals(c) for p in positions for c in p[:2]) < MIN_DECIMALS:
        problems.append(
            Problem("precision", "toạ độ ghi ít hơn 6 chữ số thập phân", "coordinates have fewer than 6 decimals")
        )
    x0, y0, x1, y1 = VIETNAM_BOX
    if any(not (x0 <= p[0] <= x1 and y0 <= p[1] <= y1) for p in positions):
        problems.append(Problem("outside_vietnam", "toạ độ nằm ngoài Việt Nam", "coordinates lie outside Viet Nam"))
    if geometry["type"] == "Point":
        if declared > POLYGON_ABOVE_HA:
            problems.append(
                Problem("needs_polygon", "trên 4 ha phải có ranh giới (đa giác)", "over 4 ha needs a polygon")
            )
        return problems
    ring_bad = False
    for ring in _rings(geometry):
        if len(ring) < 4:
            ring_bad = True
            problems.append(Problem("too_few_points", "ranh giới ít hơn 4 điểm", "a ring has fewer than 4 positions"))
        elif list(ring[0][:2]) != list(ring[-1][:2]):
            ring_bad = True
            problems.append(Problem("not_closed", "ranh giới không khép kín", "a ring is not closed"))
    if ring_bad:
        return problems
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    if any(len(poly) > 1 for poly in polys):
        problems.append(Problem("holes", "ranh giới có lỗ (vành trong)", "a polygon has holes"))
    geom = shape(geometry)
    if not geom.is_valid:
        reason = explain_validity(geom)
        problems.append(Problem("self_intersection", "ranh giới tự cắt nhau", f"the boundary is invalid: {reason}"))
        return problems
    area = geodesic_area_ha(geom)
    if declared > 0 and abs(area - declared) / declared * 100 > tolerance_percent:
        problems.append(
            Problem(
                "area_mismatch",
                f"diện tích theo ranh giới {area:.2f} ha khác diện tích khai báo {declared:.2f} ha",
                f"the boundary's area {area:.2f} ha differs from the declared {declared:.2f} ha",
            )
        )
    return problems


def to_shape(geometry: dict[str, Any]) -> BaseGeometry | None:
    try:
        return shape(geometry)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


class ForestLayer:
    """A forest-cover layer (GeoJSON FeatureCollection, WGS84) at the cut-off date, indexed for overlap queries."""

    def __init__(self, name: str, features: list[dict[str, Any]]) -> None:
        from shapely.strtree import STRtree

        self.name = name
        self.shapes = [g for g in (to_shape(f.get("geometry") or {}) for f in features) if g is not None]
        self.shapes = [g if g.is_valid else g.buffer(0) for g in self.shapes]
        self.tree = STRtree(self.shapes)

    @classmethod
    def from_bytes(cls, name: str, data: bytes) -> ForestLayer:
        doc = json.loads(data)
        features = doc.get("features", []) if doc.get("type") == "FeatureCollection" else [doc]
        return cls(name, features)

    def overlap_ha(self, geometry: dict[str, Any]) -> float:
        """Hectares of the plot inside forest (a point plot inside forest counts as its whole declared area: -1)."""
        geom = to_shape(geometry)
        if geom is None or geom.is_empty:
            return 0.0
        if not geom.is_valid:
            geom = geom.buffer(0)
        total = 0.0
        for i in self.tree.query(geom):
            forest = self.shapes[int(i)]
            if isinstance(geom, Point):
                if forest.covers(geom):
                    return -1.0
                continue
            part = geom.intersection(forest)
            total += geodesic_area_ha(part)
        return total


_MARK = re.compile(r'"@@(\d+)@@"')


def _fixed(value: float) -> str:
    text = f"{value:.{MIN_DECIMALS}f}"
    longer = repr(float(value))
    return longer if "e" not in longer and len(longer.split(".")[-1]) > MIN_DECIMALS else text


def _coords_text(coords: Any) -> str:
    if coords and isinstance(coords[0], int | float):
        return "[" + ",".join(_fixed(c) for c in coords) + "]"
    return "[" + ",".join(_coords_text(c) for c in coords) + "]"


def dumps(collection: dict[str, Any]) -> str:
    """The FeatureCollection as JSON text with every coordinate written with at least six decimals (JSON numbers
    lose trailing zeros: 107.5 must still read 107.500000 in the file the EU system receives)."""
    marks: list[str] = []
    features = []
    for feature in collection["features"]:
        geometry = dict(feature["geometry"])
        marks.append(_coords_text(geometry["coordinates"]))
        geometry["coordinates"] = f"@@{len(marks) - 1}@@"
        features.append({**feature, "geometry": geometry})
    text = json.dumps({**collection, "features": features}, ensure_ascii=False, separators=(",", ":"))
    return _MARK.sub(lambda m: marks[int(m.group(1))], text)


def rounded(geometry: dict[str, Any]) -> dict[str, Any]:
    """The geometry with coordinates rounded to what the file carries (1e-7 degrees, about a centimetre)."""

    def walk(c: Any) -> Any:
        if c and isinstance(c[0], int | float):
            return [round(float(v), 7) for v in c[:2]]
        return [walk(x) for x in c]

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def centroid(geometry: dict[str, Any]) -> tuple[float, float] | None:
    geom = to_shape(geometry)
    if geom is None or geom.is_empty:
        return None
    c = geom.centroid
    return (c.x, c.y) if not math.isnan(c.x) else None


__all__ = ["ForestLayer", "Polygon", "Problem", "check_plot", "dumps", "geodesic_area_ha", "rounded"]
