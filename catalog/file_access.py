"""Who may read the catalogue's files (see core.files).

Product photos of approved organisations are public (the portal shows them). A certificate scan is public once
the certificate speaks for a lot the public may see (the lot page links it); before that, and every other file,
only the organisation's members, agency officers of its province and platform admins read it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts import permissions
from catalog import selectors
from catalog.models import Certificate, Organization, Product
from core import files


def _insider(user: Any, organization: Organization) -> bool:
    return permissions.is_member(user, organization) or permissions.is_officer_for(user, organization)


def product_image_is_public(product: Product) -> bool:
    return selectors.public_products().filter(pk=product.pk).exists()


def can_read_product_image(user: Any, product: Product) -> bool:
    return _insider(user, product.organization)


def certificate_is_public(cert: Certificate) -> bool:
    """The certificate appears on a public lot page (the inverse of `selectors.certificates_for_lot`)."""
    speaks_for = Q(product=cert.product_id) if cert.product_id else Q(pk__in=[])
    if cert.growing_area_id:
        speaks_for |= Q(origin_areas=cert.growing_area_id)
    if cert.scope == "organization":
        speaks_for |= Q(product__organization=cert.organization_id)
    return selectors.published_lots().filter(speaks_for).exists()


def can_read_certificate(user: Any, cert: Certificate) -> bool:
    return _insider(user, cert.organization)


files.register("catalog.product", "image", can_read=can_read_product_image, is_public=product_image_is_public)
files.register("catalog.certificate", "document", can_read=can_read_certificate, is_public=certificate_is_public)
