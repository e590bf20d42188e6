"""The field-by-field mapping of published records to the national portal's payloads (documented in README.md).

Every payload carries a stable `recordId` (`<province>:<kind>:<key>`, the same across retries and versions), a
`version` and `kind`; the receiver de-duplicates on `Idempotency-Key: <recordId>:<version>`. Never personal data:
organisations by tax code and address, people not at all.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from catalog.selectors import digital_link


def _province() -> str:
    return f"VN-{getattr(settings, 'TRUYXUAT_PROVINCE_CODE', 51)}"


def _date(value: Any) -> str | None:
    return value.isoformat() if value else None


def record_id(kind: str, key: str) -> str:
    return f"{_province()}:{kind}:{key}"


def organization(org: Any) -> tuple[str, str, dict[str, Any]]:
    return (
        record_id("organization", org.tax_code),
        org.name,
        {
            "taxCode": org.tax_code,
            "gln": org.gln or None,
            "name": org.name,
            "kind": org.kind,
            "address": {"street": org.street_address, "wardCode": org.ward_code, "provinceCode": org.province_code},
            "status": org.status,
        },
    )


def product(p: Any) -> tuple[str, str, dict[str, Any]]:
    return (
        record_id("product", p.gtin),
        p.name,
        {
            "gtin": p.gtin,
            "name": p.name,
            "brand": p.brand,
            "category": p.category.code,
            "producerTaxCode": p.organization.tax_code,
            "standards": p.standards,
            "shelfLifeDays": p.shelf_life_days,
            "digitalLink": digital_link(p.gtin),
        },
    )


def lot(x: Any) -> tuple[str, str, dict[str, Any]]:
    """A published lot with the data items of Circular 02/2024/TT-BKHCN Art. 6.3: the product's name and image,
    the producer's name and address, the origin (growing areas), brand, lot code, production and expiry dates."""
    p, org = x.product, x.product.organization
    return (
        record_id("lot", f"{p.gtin}/{x.lot_code}"),
        f"{p.name} — {x.lot_code}",
        {
            "gtin": p.gtin,
            "lotCode": x.lot_code,
            "digitalLink": digital_link(p.gtin, x.lot_code),
            "productName": p.name,
            "productImage": bool(p.image),
            "brand": p.brand,
            "producer": {
                "taxCode": org.tax_code,
                "name": org.name,
                "street": org.street_address,
                "wardCode": org.ward_code,
            },
            "origin": [
                {"code": a.code, "name": a.name, "crop": a.crop, "wardCode": a.ward_code} for a in x.origin_areas.all()
            ],
            "productionDate": _date(x.production_date),
            "expiryDate": _date(x.expiry_date),
            "quantity": str(x.quantity),
            "unit": x.unit,
            "status": x.status,
            "publishedAt": _date(x.published_at),
        },
    )


def recall(r: Any) -> tuple[str, str, dict[str, Any]]:
    return (
        record_id("recall", r.code),
        r.code,
        {
            "code": r.code,
            "organizationTaxCode": r.organization.tax_code,
            "hazardClass": r.hazard_class,
            "reason": r.reason,
            "notice": r.notice,
            "decisionNumber": r.decision_number,
            "status": r.status,
            "startedAt": _date(r.started_at),
            "closedAt": _date(r.closed_at),
            "lots": [{"gtin": rl.gtin, "lotCode": rl.lot_code} for rl in r.lots.all() if rl.gtin],
        },
    )


MAPPERS = {"organization": organization, "product": product, "lot": lot, "recall": recall}


def kind_of(instance: Any) -> str:
    label = instance._meta.label_lower
    return {
        "catalog.organization": "organization",
        "catalog.product": "product",
        "catalog.lot": "lot",
        "recalls.recall": "recall",
    }[label]
