"""Reads shared by pages and the API; each returns a queryset with its relations loaded."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from catalog.choices import LotStatus, OrganizationKind, OrganizationStatus
from catalog.models import Certificate, GrowingArea, Lot, Organization, Product
from gs1.digital_link import product_link

PUBLIC_LOT_STATUSES = (LotStatus.PUBLISHED, LotStatus.RECALLED)


def digital_link(gtin: str, lot_code: str | None = None, serial: str | None = None) -> str:
    """The GS1 Digital Link URI of a product, lot or item on this portal."""
    return product_link(settings.TRUYXUAT_PORTAL_URL, gtin, lot_code, serial)


def public_organizations() -> QuerySet[Organization]:
    """Approved producer organisations (agencies are listed elsewhere)."""
    return Organization.objects.filter(status=OrganizationStatus.APPROVED).exclude(kind=OrganizationKind.AGENCY)


def public_products() -> QuerySet[Product]:
    """Products of approved organisations."""
    return Product.objects.filter(organization__status=OrganizationStatus.APPROVED).select_related(
        "organization", "category"
    )


def published_lots() -> QuerySet[Lot]:
    """Lots the public may see: published, or published and then recalled (the recall must show)."""
    return (
        Lot.objects.filter(status__in=PUBLIC_LOT_STATUSES, product__organization__status=OrganizationStatus.APPROVED)
        .select_related("product__organization", "product__category")
        .order_by("-published_at", "-id")
    )


def public_lot(gtin: str, lot_code: str) -> Lot | None:
    """A public lot with its growing areas (and their facilities) loaded."""
    areas = Prefetch("origin_areas", queryset=GrowingArea.objects.select_related("facility"))
    return published_lots().prefetch_related(areas).filter(product__gtin=gtin, lot_code=lot_code).first()


def certificates_for_lot(lot: Lot) -> QuerySet[Certificate]:
    """Certificates that speak for a lot: its product's, its origin areas', and its producer's own."""
    return Certificate.objects.filter(
        Q(product=lot.product_id)
        | Q(growing_area__in=lot.origin_areas.all())
        | Q(organization=lot.product.organization_id, scope="organization")
    ).order_by("-valid_to")
