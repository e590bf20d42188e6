"""Facility and growing-area services."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import Actor, can_write, require
from catalog.models import Facility, GrowingArea, Organization
from catalog.services.common import allocate_key, field, prefix_for, save_unique, validate_address
from catalog.validators import validate_code_text, validate_gln, validate_polygon
from core import audit
from core.choices import AuditAction
from core.forms import required_number
from core.numbers import AREA_HA

# Declared and computed growing-area sizes may differ by this much before the declaration is refused.
AREA_TOLERANCE_PERCENT = 20.0


@transaction.atomic
def create_facility(*, actor: Actor, organization: Organization, data: dict[str, Any]) -> Facility:
    require(can_write(actor, organization))
    values: dict[str, Any] = {
        k: data.get(k)
        for k in (
            "name",
            "kind",
            "gln",
            "province_code",
            "ward_code",
            "legacy_district",
            "street_address",
            "latitude",
            "longitude",
        )
        if data.get(k) not in (None, "")
    }
    values.setdefault("province_code", organization.province_code)
    validate_address(values["province_code"], values.get("ward_code"))
    lat, lon = values.get("latitude"), values.get("longitude")
    if (lat is None) != (lon is None):
        raise ValidationError({"latitude": [_("Cần nhập cả vĩ độ và kinh độ.")]})
    if lat is not None:
        try:
            within = -90 <= Decimal(str(lat)) <= 90 and -180 <= Decimal(str(lon)) <= 180
        except (InvalidOperation, ValueError):  # not a number (or NaN): outside WGS84 as well
            within = False
        if not within:
            raise ValidationError({"latitude": [_("Toạ độ nằm ngoài phạm vi WGS84.")]})
    values["gln"] = (
        field("gln", validate_gln, values["gln"])
        if values.get("gln")
        else allocate_key(prefix_for(organization), "gln")
    )
    facility = Facility(organization=organization, **values)
    facility.full_clean(exclude=["organization", "gln"])
    save_unique(facility, {"gln": _("GLN này đã được dùng cho cơ sở khác.")})
    audit.record(actor=actor, action=AuditAction.CREATE, instance=facility, organization_id=organization.pk)
    return facility


@transaction.atomic
def create_growing_area(*, actor: Actor, organization: Organization, data: dict[str, Any]) -> GrowingArea:
    """Register a growing area; the polygon must be valid and its area close to the declared one."""
    require(can_write(actor, organization))
    boundary, computed = field("boundary", validate_polygon, data.get("boundary"))
    declared = required_number(
        "declared_area_ha", data.get("declared_area_ha"), AREA_HA, _("Diện tích khai báo phải lớn hơn 0.")
    )
    difference = abs(computed - float(declared)) / float(declared) * 100
    if difference > AREA_TOLERANCE_PERCENT:
        raise ValidationError(
            {
                "declared_area_ha": [
                    _(
                        "Diện tích khai báo %(declared)s ha lệch %(diff).0f%% so với diện tích đo từ ranh giới "
                        "(%(computed).2f ha); kiểm tra lại ranh giới hoặc diện tích."
                    )
                    % {"declared": declared, "diff": difference, "computed": computed}
                ]
            }
        )
    if data.get("ward_code"):
        validate_address(organization.province_code, data["ward_code"])
    try:
        area_code = validate_code_text(str(data.get("code", "")).strip())
    except ValidationError as exc:
        raise ValidationError({"code": exc.messages}) from exc
    area = GrowingArea(
        organization=organization,
        facility=data.get("facility"),
        code=area_code,
        name=str(data.get("name", "")).strip(),
        crop=str(data.get("crop", "")).strip(),
        ward_code=data.get("ward_code"),
        declared_area_ha=declared,
        boundary=boundary,
        computed_area_ha=Decimal(str(round(computed, 4))),
    )
    if area.facility is not None and area.facility.organization_id != organization.pk:
        raise ValidationError({"facility": [_("Cơ sở không thuộc tổ chức này.")]})
    area.full_clean(exclude=["organization", "facility"])
    save_unique(area, {"code": _("Mã số vùng trồng này đã tồn tại.")})
    audit.record(actor=actor, action=AuditAction.CREATE, instance=area, organization_id=organization.pk)
    return area
