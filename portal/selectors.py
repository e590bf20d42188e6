"""The public story of a lot (product, producer, origin, chain, certificates, tests, recall), for pages and JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from catalog import selectors as catalog
from catalog.models import Lot, Product
from core import files
from portal import chain, optional
from portal.labels import category_label


def _date(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def certificate_rows(lot: Lot, today: dt.date) -> list[dict[str, Any]]:
    rows = []
    for cert in catalog.certificates_for_lot(lot).select_related("growing_area", "product"):
        state = "valid" if cert.is_valid_on(today) else ("expired" if cert.valid_to < today else "not_yet")
        rows.append(
            {
                "kind": cert.kind,
                "kind_label": str(cert.get_kind_display()),
                "number": cert.number,
                "issuer": cert.issuer,
                "valid_from": cert.valid_from,
                "valid_to": cert.valid_to,
                "state": state,
                "scope": str(cert.get_scope_display()),
                "subject": cert.growing_area.name if cert.growing_area else (cert.product.name if cert.product else ""),
                "document": files.url(cert.document),
            }
        )
    return rows


def lab_rows(lot: Lot) -> list[dict[str, Any]]:
    rows = []
    for test in optional.lab_tests(lot):
        analyte = getattr(test, "analyte_name", None) or str(getattr(test, "analyte", ""))
        rows.append(
            {
                "analyte": analyte,
                "value": test.value,
                "unit": test.unit,
                "limit": test.limit,
                "limit_source": test.limit_source,
                "passed": test.passed,
                "laboratory": test.laboratory,
                "sampled_on": test.sampled_on,
            }
        )
    return rows


def translated_recall(recall: dict[str, Any] | None) -> dict[str, Any] | None:
    """The recall notice with, outside Vietnamese, a notice in the page's language (`notice_translated`): the
    officer's own notice is free Vietnamese text, shown beside it as the original."""
    if not recall:
        return recall
    language = get_language() or settings.LANGUAGE_CODE
    if language.startswith("vi") or not recall.get("notice"):
        return recall
    hazard = str(recall.get("hazard_label") or "")
    if hazard:
        text = _(
            "Cơ quan quản lý yêu cầu thu hồi sản phẩm thuộc lô này (%(hazard)s). Không sử dụng sản phẩm; "
            "liên hệ nơi bán hoặc nhà sản xuất."
        ) % {"hazard": hazard}
    else:
        text = _(
            "Cơ quan quản lý yêu cầu thu hồi sản phẩm thuộc lô này. Không sử dụng sản phẩm; "
            "liên hệ nơi bán hoặc nhà sản xuất."
        )
    return {**recall, "notice_translated": str(text)}


def lot_story(lot: Lot) -> dict[str, Any]:
    """Everything the consumer page shows about a published (or recalled) lot, as plain data."""
    product: Product = lot.product
    org = product.organization
    today = timezone.localdate()
    areas = list(lot.origin_areas.all())  # loaded with their facilities by catalog.public_lot
    facilities = {a.facility for a in areas if a.facility}
    steps = chain.timeline(lot)
    return {
        "gtin": product.gtin,
        "lot": lot.lot_code,
        "digital_link": catalog.digital_link(product.gtin, lot.lot_code),
        "status": lot.status,
        "recalled": lot.status == "recalled",
        "recall": translated_recall(optional.recall_notice(lot)),
        **optional.holds(lot),
        "production_date": lot.production_date,
        "expiry_date": lot.expiry_date,
        "expired": bool(lot.expiry_date and lot.expiry_date < today),
        "quantity": lot.quantity,
        "unit": lot.unit,
        "unit_label": str(lot.get_unit_display()),
        "published_at": lot.published_at,
        "product": {
            "gtin": product.gtin,
            "name": product.name,
            "brand": product.brand,
            "category": category_label(product.category),
            "ocop_stars": product.ocop_stars,
            "description": product.description,
            "standards": product.standards,
            "shelf_life_days": product.shelf_life_days,
            "image": files.url(product.image),
        },
        "producer": {
            "name": org.name,
            "kind": str(org.get_kind_display()),
            "tax_code": org.tax_code,
            "gln": org.gln,
            "address": org.full_address,
            "phone": org.phone,
            "email": org.email,
            "website": org.website,
        },
        "areas": [
            {
                "code": a.code,
                "name": a.name,
                "crop": a.crop,
                "area_ha": a.declared_area_ha,
                "boundary": a.boundary,
            }
            for a in areas
        ],
        "facilities": [
            {
                "name": f.name,
                "kind": str(f.get_kind_display()),
                "gln": f.gln,
                "latitude": float(f.latitude) if f.latitude is not None else None,
                "longitude": float(f.longitude) if f.longitude is not None else None,
            }
            for f in sorted(facilities, key=lambda f: f.name)
        ],
        "certificates": certificate_rows(lot, today),
        "lab_tests": lab_rows(lot),
        "chain": steps,
        "proof_bundle": f"/api/v1/lots/{product.gtin}/{lot.lot_code}/proof-bundle",
    }


def map_features(story: dict[str, Any]) -> dict[str, Any]:
    """GeoJSON for the map: growing-area polygons and facility / chain points."""
    features = [
        {
            "type": "Feature",
            "geometry": a["boundary"],
            "properties": {"name": a["name"], "code": a["code"], "kind": "area"},
        }
        for a in story["areas"]
        if a["boundary"]
    ]
    seen = set()
    points = [(f["name"], f["latitude"], f["longitude"]) for f in story["facilities"]]
    points += [(s["where"], s["latitude"], s["longitude"]) for s in story["chain"]]
    for name, lat, lon in points:
        if lat is None or lon is None or (lat, lon) in seen:
            continue
        seen.add((lat, lon))
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"name": name, "kind": "place"},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def json_ready(value: Any) -> Any:
    """Dates as ISO strings and decimals as strings, recursively (for the JSON response)."""
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_ready(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if hasattr(value, "as_tuple"):  # Decimal
        return str(value)
    return value


def absolute(path: str) -> str:
    return settings.TRUYXUAT_PORTAL_URL + path if path.startswith("/") else path
