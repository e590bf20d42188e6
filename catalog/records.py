"""What of each catalogue record goes into the ledger (its canonical payload)."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from catalog.models import Certificate, Lot, Organization, Product
from ledger.choices import LeafKind
from ledger.records import register


def organization_payload(org: Organization) -> dict[str, Any]:
    return {
        "name": org.name,
        "kind": org.kind,
        "tax_code": org.tax_code,
        "gln": org.gln,
        "province_code": org.province_code,
        "ward_code": org.ward_code,
        "street_address": org.street_address,
        "status": org.status,
    }


def product_payload(product: Product) -> dict[str, Any]:
    return {
        "gtin": product.gtin,
        "name": product.name,
        "organization_tax_code": product.organization.tax_code,
        "category": product.category.code,
        "brand": product.brand,
        "ocop_stars": product.ocop_stars,
        "shelf_life_days": product.shelf_life_days,
        "standards": product.standards,
    }


def certificate_payload(cert: Certificate) -> dict[str, Any]:
    return {
        "kind": cert.kind,
        "number": cert.number,
        "issuer": cert.issuer,
        "valid_from": cert.valid_from.isoformat(),
        "valid_to": cert.valid_to.isoformat(),
        "scope": cert.scope,
        "organization_tax_code": cert.organization.tax_code,
        "facility_gln": cert.facility.gln if cert.facility else None,
        "growing_area_code": cert.growing_area.code if cert.growing_area else None,
        "product_gtin": cert.product.gtin if cert.product else None,
    }


def lot_payload(lot: Lot) -> dict[str, Any]:
    return {
        "gtin": lot.product.gtin,
        "lot": lot.lot_code,
        "production_date": lot.production_date.isoformat(),
        "expiry_date": lot.expiry_date.isoformat() if lot.expiry_date else None,
        "quantity": str(lot.quantity),
        "unit": lot.unit,
        "origin_areas": sorted(a.code for a in lot.origin_areas.all()),
        "status": lot.status,
    }


def officer_scope_payload(officer: User) -> dict[str, Any]:
    """An officer's department and scope (issue 25): who may act on, and is told about, which communes and groups."""
    return {
        "agency": officer.agency_id,
        "department": officer.department_kind,
        "wards": sorted(officer.scope_ward_codes or []),
        "categories": sorted(c.code for c in officer.scope_categories.all()),
    }


def register_all() -> None:
    register(LeafKind.ORGANIZATION, Organization, organization_payload)
    register(LeafKind.PRODUCT, Product, product_payload)
    register(LeafKind.CERTIFICATE, Certificate, certificate_payload)
    register(LeafKind.LOT, Lot, lot_payload)
    register(LeafKind.OFFICER_SCOPE, User, officer_scope_payload)
