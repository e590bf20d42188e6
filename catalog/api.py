"""Public read API of the catalogue: approved organisations, their products, published lots."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from catalog import selectors
from catalog.models import Lot, Organization, Product
from core.params import BoundedPageNumberPagination
from quality.selectors import hold_facts, safety_statuses

router = Router(tags=["catalog"])


class OrganizationRef(Schema):
    name: str
    tax_code: str


class PublicOrganizationOut(Schema):
    name: str
    tax_code: str
    gln: str | None
    kind: str
    province_code: int
    ward_code: int | None
    address: str
    phone: str
    website: str


class ProductRef(Schema):
    name: str
    category: str
    ocop_stars: int | None


class PublicProductOut(Schema):
    gtin: str
    name: str
    category: str
    priority_group: str
    risk_class: str
    ocop_stars: int | None
    brand: str
    organization: OrganizationRef
    digital_link: str


class HoldTestOut(Schema):
    analyte: str
    value: str
    unit: str
    limit: str | None
    limit_source: str
    laboratory: str
    sampled_on: str
    result_on: str | None


class HoldOut(Schema):
    reason: str
    held_at: str
    released: bool
    test: HoldTestOut | None
    explanation: str


class PublicLotOut(Schema):
    gtin: str
    lot: str
    digital_link: str
    status: str
    safety_status: str = Field(
        description="ok; held (an agency holds the lot after a failed test: see `hold`); verifying (made from or "
        "packed with a held lot, being verified); recalled"
    )
    hold: HoldOut | None = Field(description="The lot's own active hold, or null")
    production_date: str
    expiry_date: str | None
    quantity: str
    unit: str
    product: ProductRef
    organization: OrganizationRef


def organization_out(org: Organization) -> dict[str, Any]:
    return {
        "name": org.name,
        "tax_code": org.tax_code,
        "gln": org.gln,
        "kind": org.kind,
        "province_code": org.province_code,
        "ward_code": org.ward_code,
        "address": org.full_address,
        "phone": org.phone,
        "website": org.website,
    }


def product_out(product: Product) -> dict[str, Any]:
    return {
        "gtin": product.gtin,
        "name": product.name,
        "category": product.category.code,
        "priority_group": product.priority_group,
        "risk_class": product.risk_class,
        "ocop_stars": product.ocop_stars,
        "brand": product.brand,
        "organization": {"name": product.organization.name, "tax_code": product.organization.tax_code},
        "digital_link": selectors.digital_link(product.gtin),
    }


def _hold_out(hold: Any, link: str) -> dict[str, Any]:
    facts = hold_facts(hold)
    test = facts["test"]
    return {
        "reason": facts["reason"],
        "held_at": facts["held_at"].isoformat(),
        "released": facts["released"],
        "test": None
        if test is None
        else {
            "analyte": test["analyte"],
            "value": str(test["value"]),
            "unit": test["unit"],
            "limit": str(test["limit"]) if test["limit"] is not None else None,
            "limit_source": test["limit_source"],
            "laboratory": test["laboratory"],
            "sampled_on": test["sampled_on"].isoformat(),
            "result_on": test["result_on"].isoformat() if test["result_on"] else None,
        },
        "explanation": link + "#tam-giu",
    }


def lots_out(lots: list[Lot]) -> list[dict[str, Any]]:
    """A page of lots with their safety status (holds: one query, and one genealogy walk while a lot is held)."""
    statuses: dict[int, tuple[str, Any]] = safety_statuses(lots)
    out = []
    for lot in lots:
        row = lot_out(lot)
        status, hold = statuses.get(lot.pk, ("recalled" if lot.status == "recalled" else "ok", None))
        row["safety_status"] = status
        row["hold"] = _hold_out(hold, row["digital_link"]) if hold is not None else None
        out.append(row)
    return out


def lot_out(lot: Lot) -> dict[str, Any]:
    product = lot.product
    return {
        "gtin": product.gtin,
        "lot": lot.lot_code,
        "digital_link": selectors.digital_link(product.gtin, lot.lot_code),
        "status": lot.status,
        "production_date": lot.production_date.isoformat(),
        "expiry_date": lot.expiry_date.isoformat() if lot.expiry_date else None,
        "quantity": str(lot.quantity),
        "unit": lot.unit,
        "product": {"name": product.name, "category": product.category.code, "ocop_stars": product.ocop_stars},
        "organization": {"name": product.organization.name, "tax_code": product.organization.tax_code},
    }


@router.get("/organizations", response=list[PublicOrganizationOut], summary="Approved organisations")
@paginate(BoundedPageNumberPagination)
def list_organizations(request: HttpRequest) -> Any:
    return _Mapped(selectors.public_organizations(), organization_out)


@router.get("/products", response=list[PublicProductOut], summary="Products of approved organisations")
@paginate(BoundedPageNumberPagination)
def list_products(request: HttpRequest, category: str | None = None) -> Any:
    qs = selectors.public_products()
    if category:
        qs = qs.filter(category__code=category)
    return _Mapped(qs, product_out)


@router.get("/lots", response=list[PublicLotOut], summary="Published lots")
@paginate(BoundedPageNumberPagination)
def list_lots(request: HttpRequest, gtin: str | None = None) -> Any:
    qs = selectors.published_lots()
    if gtin:
        qs = qs.filter(product__gtin=gtin.zfill(14))
    return _Mapped(qs, lot_out, lots_out)


class _Mapped:
    """A queryset that the paginator can count and slice, mapping each row to its output dict."""

    def __init__(self, queryset: Any, mapper: Any, batch: Any = None) -> None:
        self.queryset = queryset
        self.mapper = mapper
        self.batch = batch

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        if self.batch is not None:
            return list(self.batch(list(self.queryset[item])))
        return [self.mapper(row) for row in self.queryset[item]]
