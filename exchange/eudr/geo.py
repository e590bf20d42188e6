"""Plot geometry for the EU Information System (TRACES): the checks and the GeoJSON text. Pure: no Django.

The format is the European Commission's "EUDR GeoJSON File Description" (version 1.2, 4 July 2024), published
with the EUDR Information System's API documentation (TRACES, https://eudr.webcloud.ec.europa.eu/tracesnt/): a
GeoJSON (RFC 7946) FeatureCollection in WGS84, coordinates [longitude, latitude] in decimal degrees with at least
six decimals, one Feature per plot with the properties `ProducerName`, `ProducerCountry` (ISO 3166-1 alpha-2),
`ProductionPlace` and `Area` (hectares; required of a Point, which the Regulation allows for plots of at most
4 ha, Art. 2(28)); Polygon and MultiPolygon rings closed, at least four positions, not crossing themselves, and no
holes (the description lists "doughnut" polygons among the errors). `exchange/schemas/eudr_geojson.schema.json`
transcribes the structural part as a JSON Schema; the geometric rules are checked here. The rules were checked
against the description as the `eudr-geojson-validator` package documents it (https://pypi.org/project/
eudr-geojson-validator/: "the European Commission's EUDR GeoJSON File Description", the errors the Information
System raises, and Art. 2(28) on points and polygons).

Forest-cover layers are read from GeoJSON or from a GeoPackage (OGC 12-128r18; an SQLite file): each feature
table listed in `gpkg_contents`, its geometry blobs decoded here (the GeoPackageBinary header: "GP", version,
flags, srs_id, an optional envelope; then standard or ISO WKB, read by `shapely.wkb`), and reprojected to WGS84
with pyproj when the table's spatial reference is another EPSG system (VN-2000 maps, for instance). No GDAL.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
import struct
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import shapely
from pyproj import Geod, Transformer
from pyproj.exceptions import CRSError
from shapely import wkb
from shapely.errors import ShapelyError
from shapely.geometry import Point, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree
from shapely.validation import explain_validity

GEOD = Geod(ellps="WGS84")
MIN_DECIMALS = 6
POLYGON_ABOVE_HA = 4.0  # Art. 2(28): a point suffices for plots of up to four hectares
# Viet Nam's extent in WGS84 (mainland and near-shore islands; the Hoàng Sa and Trường Sa archipelagos lie beyond
# it and produce no EUDR commodities). A coarse check that catches swapped or foreign coordinates.
VIETNAM_BOX = (102.14, 8.18, 109.47, 23.40)
SQLITE = b"SQLite format 3\x00"  # the first 16 bytes of an SQLite file (a GeoPackage is one)
ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}  # GeoPackageBinary flags bits 1-3 -> envelope length


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
    if not any(_decimals(c) >= MIN_DECIMALS for p in positions for c in p[:2]):
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


def gpkg_geometry(blob: bytes) -> BaseGeometry | None:
    """A GeoPackageBinary geometry (OGC 12-128r18 §2.1.3): the header, then WKB. None for an empty geometry."""
    if len(blob) < 8 or blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry blob")
    flags = blob[3]
    if flags & 0b0010_0000:
        raise ValueError("extended GeoPackage geometries are not read")
    envelope = ENVELOPE_BYTES.get((flags >> 1) & 0b111)
    if envelope is None:
        raise ValueError("invalid envelope indicator")
    if flags & 0b0001_0000:  # the empty-geometry flag
        return None
    return wkb.loads(bytes(blob[8 + envelope :]))


def _srs_id(blob: bytes) -> int:
    little = bool(blob[3] & 1)
    return int(struct.unpack("<i" if little else ">i", blob[4:8])[0])


def read_geopackage(path: str) -> list[BaseGeometry]:
    """Every geometry of every feature table of a GeoPackage, in WGS84 (longitude, latitude)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = db.execute(
            "SELECT c.table_name, g.column_name FROM gpkg_contents c JOIN gpkg_geometry_columns g "
            "ON g.table_name = c.table_name WHERE c.data_type = 'features'"
        ).fetchall()
        systems = {
            int(srs): (str(org or "").upper(), int(code or 0))
            for srs, org, code in db.execute(
                "SELECT srs_id, organization, organization_coordsys_id FROM gpkg_spatial_ref_sys"
            )
        }
        shapes: list[BaseGeometry] = []
        for table, column in tables:
            quoted_table, quoted_column = '"' + table.replace('"', '""') + '"', '"' + column.replace('"', '""') + '"'
            for (blob,) in db.execute(f"SELECT {quoted_column} FROM {quoted_table}"):
                if not blob:
                    continue
                geom = gpkg_geometry(blob)
                if geom is None or geom.is_empty:
                    continue
                org, code = systems.get(_srs_id(blob), ("", 0))
                if org == "EPSG" and code not in (4326, 0):
                    geom = shapely.transform(geom, _to_wgs84(code), interleaved=False)
                shapes.append(geom)
        return shapes
    except (sqlite3.DatabaseError, ShapelyError, CRSError, struct.error) as exc:
        raise ValueError(f"unreadable GeoPackage: {exc}") from exc
    finally:
        db.close()


def _to_wgs84(epsg: int) -> Any:
    return Transformer.from_crs(f"EPSG:{epsg}", "EPSG:4326", always_xy=True).transform


class ForestLayer:
    """A forest-cover layer (WGS84) at the cut-off date, indexed for overlap queries."""

    def __init__(self, name: str, shapes: list[BaseGeometry]) -> None:
        self.name = name
        self.shapes = [g if g.is_valid else g.buffer(0) for g in shapes]
        self.tree = STRtree(self.shapes)

    @classmethod
    def from_bytes(cls, name: str, data: bytes) -> ForestLayer:
        """A GeoJSON layer (a FeatureCollection, or one Feature)."""
        doc = json.loads(data)
        features = doc.get("features", []) if doc.get("type") == "FeatureCollection" else [doc]
        shapes = [g for g in (to_shape(f.get("geometry") or {}) for f in features) if g is not None]
        return cls(name, shapes)

    @classmethod
    def from_geopackage(cls, name: str, path: str) -> ForestLayer:
        return cls(name, read_geopackage(path))

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
