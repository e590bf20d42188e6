"""Product and certificate services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import Actor, can_write, require
from catalog.choices import CertificateScope
from catalog.models import Certificate, Organization, PriorityCategory, Product
from catalog.services.common import allocate_key, field, prefix_for, save_unique
from catalog.validators import normalize_gtin
from core import audit
from core.choices import AuditAction
from core.uploads import DOCUMENT_TYPES, IMAGE_TYPES, check_upload
from ledger.services import append_record


@transaction.atomic
def create_product(
    *, actor: Actor, organization: Organization, data: dict[str, Any], image: UploadedFile | None = None
) -> Product:
    """Register a product; without a GTIN one is allocated under the organisation's or the provincial prefix."""
    require(can_write(actor, organization))
    category = data.get("category")
    if isinstance(category, str):
        category = PriorityCategory.objects.filter(code=category, is_active=True).first()
    if not isinstance(category, PriorityCategory):
        raise ValidationError({"category": [_("Chọn một nhóm sản phẩm trong danh mục của tỉnh.")]})
    gtin = data.get("gtin")
    gtin = field("gtin", normalize_gtin, gtin) if gtin else "0" + allocate_key(prefix_for(organization), "gtin")
    if Product.objects.filter(gtin=gtin).exists():
        raise ValidationError({"gtin": [_("GTIN này đã được đăng ký cho sản phẩm khác.")]})
    product = Product(
        organization=organization,
        gtin=gtin,
        name=str(data.get("name", "")).strip(),
        category=category,
        priority_group=data.get("priority_group") or category.priority_group,
        risk_class=data.get("risk_class") or category.default_risk_class,
        ocop_stars=data.get("ocop_stars") or None,
        brand=data.get("brand", ""),
        description=data.get("description", ""),
        shelf_life_days=data.get("shelf_life_days") or None,
        standards=data.get("standards", ""),
    )
    if image is not None:
        field("image", lambda f: check_upload(f, IMAGE_TYPES), image)
        product.image = image  # type: ignore[assignment]
    product.full_clean(exclude=["organization", "category", "image"])
    save_unique(product, {"gtin": _("GTIN này đã được đăng ký cho sản phẩm khác.")})
    audit.record(actor=actor, action=AuditAction.CREATE, instance=product, organization_id=organization.pk)
    append_record(product)
    return product


@transaction.atomic
def create_certificate(
    *, actor: Actor, organization: Organization, data: dict[str, Any], document: UploadedFile | None = None
) -> Certificate:
    """Record a certificate with its scope; dates must be ordered and not overlap a twin certificate."""
    require(can_write(actor, organization))
    valid_from, valid_to = data.get("valid_from"), data.get("valid_to")
    if not isinstance(valid_from, dt.date) or not isinstance(valid_to, dt.date):
        raise ValidationError({"valid_from": [_("Cần nhập ngày hiệu lực từ và đến.")]})
    if valid_from > valid_to:
        raise ValidationError({"valid_to": [_("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.")]})
    scope = data.get("scope")
    targets: dict[str, str] = {
        CertificateScope.FACILITY: "facility",
        CertificateScope.GROWING_AREA: "growing_area",
        CertificateScope.PRODUCT: "product",
    }
    scope = str(scope or "")
    cert = Certificate(
        organization=organization,
        kind=str(data.get("kind") or ""),
        number=str(data.get("number", "")).strip(),
        issuer=str(data.get("issuer", "")).strip(),
        valid_from=valid_from,
        valid_to=valid_to,
        scope=scope,
    )
    target_field = targets.get(scope)
    if target_field:
        target = data.get(target_field)
        if target is None or target.organization_id != organization.pk:
            raise ValidationError({target_field: [_("Chọn đối tượng được chứng nhận thuộc tổ chức này.")]})
        setattr(cert, target_field, target)
    cert.full_clean(exclude=["organization", "facility", "growing_area", "product", "document"])
    overlapping = Certificate.objects.filter(
        organization=organization,
        kind=cert.kind,
        number=cert.number,
        valid_from__lte=valid_to,
        valid_to__gte=valid_from,
    )
    if overlapping.exists():
        raise ValidationError({"valid_from": [_("Đã có chứng nhận cùng loại và số với thời hạn chồng lấn.")]})
    if document is not None:
        field("document", lambda f: check_upload(f, DOCUMENT_TYPES), document)
        cert.document = document  # type: ignore[assignment]
    cert.save()
    audit.record(actor=actor, action=AuditAction.CREATE, instance=cert, organization_id=organization.pk)
    append_record(cert)
    return cert
