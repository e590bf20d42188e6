"""Counterfeit reports ("Báo hàng nghi giả"): a consumer reports a code the portal does not know, or a stamp that
looks copied, with a photo, where it was bought and, only if they choose to share it, a rounded location.

The report is a `Feedback` of kind `counterfeit`, so it is routed like all feedback (complaints.services.route) and
reaches the agency's complaints queue. A code naming a registered product belongs to that product's producer (the
agency of its province is told as for any complaint); an unknown code belongs to the agency of this portal's
province, which the officers of that province see in their list and on their map.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import Actor
from catalog import selectors as catalog
from catalog.models import Lot, Organization, Product
from feedback.choices import FeedbackKind
from feedback.models import Feedback
from feedback.services import MAX_MESSAGE, check_rate, new_tracking_code, store
from gs1.digital_link import DigitalLink, InvalidLink, parse_path, parse_uri, product_path

MAX_CODE = 200
MAX_PLACE = 255
# About 1 km: enough to find the market or the shop, not the consumer's house.
COORDINATE_STEP = Decimal("0.01")


def read_code(code: str) -> DigitalLink | None:
    """The Digital Link in what was scanned or typed (a URL, a path or a bare GTIN), or None."""
    text = (code or "").strip()
    try:
        if text.startswith(("http://", "https://")):
            return parse_uri(text)
        if text.startswith("/"):
            return parse_path(text)
        if text.isdigit() and len(text) in (8, 12, 13, 14):
            return parse_path(product_path(text.zfill(14)))
    except InvalidLink:
        return None
    return None


def subject(code: str) -> tuple[DigitalLink | None, Product | None, Lot | None]:
    """The public product and lot a reported code names, when the portal knows them."""
    link = read_code(code)
    if link is None or not link.gtin:
        return link, None, None
    product = catalog.public_products().filter(gtin=link.gtin).first()
    lot = catalog.public_lot(link.gtin, link.lot) if product is not None and link.lot else None
    return link, product, lot


def receiving_agency(province_code: int | None = None) -> Organization | None:
    """The agency that receives reports for a province (this portal's by default): its first approved agency."""
    return (
        Organization.objects.filter(
            kind="agency", status="approved", province_code=province_code or settings.TRUYXUAT_PROVINCE_CODE
        )
        .order_by("pk")
        .first()
    )


def _coordinate(value: Any, bound: int, name: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or abs(number) > bound:
        raise ValidationError({name: [_("Vị trí không hợp lệ.")]})
    return Decimal(str(number)).quantize(COORDINATE_STEP)


@transaction.atomic
def report_counterfeit(
    *,
    actor: Actor,
    code: str,
    address: str,
    data: dict[str, Any],
    photo: UploadedFile | None = None,
) -> Feedback:
    """Anyone (signed in or not) reports a suspected counterfeit; limited per network address like feedback.

    `data`: message, where_bought, contact_name, contact, latitude and longitude (both or neither)."""
    hashed = check_rate(address)
    code = (code or "").strip()
    if not code:
        raise ValidationError({"code": [_("Hãy nhập mã in trên sản phẩm (hoặc quét lại mã QR).")]})
    if len(code) > MAX_CODE:
        raise ValidationError({"code": [_("Mã dài quá %(n)s ký tự.") % {"n": MAX_CODE}]})
    message = str(data.get("message") or "").strip()
    if len(message) > MAX_MESSAGE:
        raise ValidationError({"message": [_("Nội dung tối đa %(n)s ký tự.") % {"n": MAX_MESSAGE}]})
    where_bought = str(data.get("where_bought") or "").strip()
    if len(where_bought) > MAX_PLACE:
        raise ValidationError({"where_bought": [_("Nơi mua tối đa %(n)s ký tự.") % {"n": MAX_PLACE}]})
    latitude = _coordinate(data.get("latitude"), 90, "latitude")
    longitude = _coordinate(data.get("longitude"), 180, "longitude")
    if (latitude is None) != (longitude is None):
        raise ValidationError({"latitude": [_("Vị trí không hợp lệ.")]})
    link, product, lot = subject(code)
    owner = product.organization if product is not None else receiving_agency()
    if owner is None:
        raise ValidationError(_("Chưa có cơ quan quản lý nhận báo cáo trên cổng này. Vui lòng thử lại sau."))
    item = Feedback(
        tracking_code=new_tracking_code(),
        kind=FeedbackKind.COUNTERFEIT,
        organization=owner,
        product=product,
        lot=lot,
        serial=(link.serial or "")[:20] if link else "",
        message=message,
        code=code,
        where_bought=where_bought,
        latitude=latitude,
        longitude=longitude,
        contact_name=str(data.get("contact_name") or "").strip()[:100],
        contact=str(data.get("contact") or "").strip()[:120],
        address_hash=hashed,
    )
    return store(actor=actor, item=item, photo=photo, organization_id=owner.pk)
