"""Distances and place names for the analysis (no Django): haversine, a plot's centre, the nearest city."""

from __future__ import annotations

import math
from typing import Any

EARTH_KM = 6371.0088  # mean Earth radius (IUGG)

# Cities a consumer's coarse location (0.1°, ~11 km) is named after when within 60 km: centres of Vietnam's
# centrally-run cities and of this region's provincial seats.
CITIES: tuple[tuple[str, float, float], ...] = (
    ("Hà Nội", 21.028, 105.854),
    ("TP. Hồ Chí Minh", 10.776, 106.701),
    ("Đà Nẵng", 16.054, 108.202),
    ("Hải Phòng", 20.845, 106.688),
    ("Cần Thơ", 10.045, 105.747),
    ("Huế", 16.463, 107.590),
    ("Quảng Ngãi", 15.120, 108.792),
    ("Kon Tum", 14.350, 108.000),
    ("Pleiku", 13.983, 108.000),
    ("Buôn Ma Thuột", 12.667, 108.050),
    ("Đà Lạt", 11.940, 108.458),
    ("Nha Trang", 12.238, 109.197),
    ("Quy Nhơn", 13.776, 109.224),
    ("Vinh", 18.679, 105.681),
    ("Sơn La", 21.327, 103.914),
    ("Lào Cai", 22.486, 103.970),
)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def place_name(lat: float, lon: float) -> str:
    """The nearest listed city within 60 km, else the coordinates."""
    best = min(CITIES, key=lambda c: haversine_km(lat, lon, c[1], c[2]))
    if haversine_km(lat, lon, best[1], best[2]) <= 60:
        return best[0]
    return f"{lat:.1f}, {lon:.1f}"


def centre(geometry: Any) -> tuple[float, float] | None:
    """(lat, lon) of a GeoJSON Point, or the mean of a Polygon's (or MultiPolygon's) outer ring; None otherwise."""
    if not isinstance(geometry, dict):
        return None
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    try:
        if kind == "Point":
            return float(coords[1]), float(coords[0])
        rings: list[Any] = []
        if kind == "Polygon":
            rings = [coords[0]]
        elif kind == "MultiPolygon":
            rings = [poly[0] for poly in coords]
        points = [p for ring in rings for p in ring[:-1] or ring]
        if not points:
            return None
        return sum(float(p[1]) for p in points) / len(points), sum(float(p[0]) for p in points) / len(points)
    except (TypeError, IndexError, ValueError):
        return None
