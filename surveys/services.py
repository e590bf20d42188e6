"""Filling in a survey: answers validated against the form, then fed into the catalogue.

A response names an organisation by tax code: a known one is linked; an unknown one is created *pending*
(it then waits in the new-organisation review queue like a self-registration), with the surveyed facility
(and its GPS position) added to it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.permissions import Actor, person, require
from catalog.choices import FacilityKind, OrganizationKind, OrganizationStatus
from catalog.models import Facility, Organization
from catalog.services.common import allocate_key, prefix_for, validate_address
from catalog.validators import validate_tax_code
from core import audit
from core.choices import AuditAction
from core.forms import read
from core.numbers import Limits
from surveys.models import SurveyForm, SurveyResponse

TYPES = ("text", "number", "choice", "bool", "date")
SURVEY_NUMBER = Limits(max_digits=18, decimal_places=6)  # kept as text in the answers; bounded all the same


def clean_answers(form: SurveyForm, raw: dict[str, Any]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for f in form.fields:
        name, kind = f["name"], f.get("type", "text")
        value = raw.get(name)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, "", []):
            if f.get("required") and kind != "bool":
                errors[name] = [_("Cần trả lời câu này.")]
            answers[name] = False if kind == "bool" else None
            continue
        try:
            if kind == "number":  # typed on the officer's form: the Vietnamese way ("1,5"; "1.200" asked back)
                try:
                    number = read(value, SURVEY_NUMBER, confirmable=False)
                except ValidationError as exc:
                    errors[name] = list(exc.messages)
                    continue
                answers[name] = str(number)
            elif kind == "choice":
                if value not in [c[0] if isinstance(c, list | tuple) else c for c in f.get("choices", [])]:
                    raise ValueError
                answers[name] = value
            elif kind == "bool":
                answers[name] = value in (True, "on", "true", "1", "yes")
            elif kind == "date":
                answers[name] = (value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))).isoformat()
            else:
                answers[name] = str(value)[:1000]
        except (InvalidOperation, ValueError):
            errors[name] = [_("Giá trị không hợp lệ.")]
    if errors:
        raise ValidationError(errors)
    return answers


def _mapped(form: SurveyForm, answers: dict[str, Any]) -> dict[str, Any]:
    return {f["maps_to"]: answers.get(f["name"]) for f in form.fields if f.get("maps_to")}


def _coordinate(name: str, value: Any, bound: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except InvalidOperation as exc:
        raise ValidationError({name: [_("Toạ độ không hợp lệ.")]}) from exc
    if not -bound <= number <= bound:
        raise ValidationError({name: [_("Toạ độ không hợp lệ.")]})
    return number


@transaction.atomic
def submit_response(
    *, actor: Actor, form: SurveyForm, answers: dict[str, Any], latitude: Any = None, longitude: Any = None
) -> SurveyResponse:
    """An agency officer files a survey; the catalogue gains the organisation (pending) and the facility."""
    require(permissions.is_agency_officer(actor))
    if not form.is_active:
        raise ValidationError(_("Phiếu điều tra này không còn dùng."))
    clean = clean_answers(form, answers)
    lat, lon = _coordinate("latitude", latitude, 90), _coordinate("longitude", longitude, 180)
    m = _mapped(form, clean)
    response = SurveyResponse(form=form, officer=person(actor), answers=clean, latitude=lat, longitude=lon)
    tax_code = m.get("organization.tax_code")
    if tax_code:
        try:
            tax_code = validate_tax_code(tax_code)
        except ValidationError as exc:
            field = next(f["name"] for f in form.fields if f.get("maps_to") == "organization.tax_code")
            raise ValidationError({field: exc.messages}) from exc
        org = Organization.objects.filter(tax_code=tax_code).first()
        if org is None:
            kind = m.get("organization.kind") or OrganizationKind.HOUSEHOLD
            if kind not in OrganizationKind.values or kind == OrganizationKind.AGENCY:
                kind = OrganizationKind.HOUSEHOLD
            ward = int(m["organization.ward_code"]) if m.get("organization.ward_code") else None
            validate_address(settings.TRUYXUAT_PROVINCE_CODE, ward)
            org = Organization.objects.create(
                name=(m.get("organization.name") or tax_code)[:255],
                kind=kind,
                tax_code=tax_code,
                province_code=settings.TRUYXUAT_PROVINCE_CODE,
                ward_code=ward,
                street_address=(m.get("organization.street_address") or "")[:255],
                representative=(m.get("organization.representative") or "")[:120],
                phone=(m.get("organization.phone") or "")[:20],
                status=OrganizationStatus.PENDING,
            )
            audit.record(
                actor=actor,
                action=AuditAction.CREATE,
                instance=org,
                organization_id=org.pk,
                reason=_("Từ phiếu điều tra %(form)s") % {"form": form.name},
            )
            response.created_organization = True
        response.organization = org
        if not permissions.is_officer_for(actor, org):
            raise ValidationError(_("Tổ chức thuộc tỉnh khác."))
        facility_name = m.get("facility.name") or form.name
        facility = Facility.objects.filter(organization=org, name=facility_name).first()
        if facility is None:
            kind = m.get("facility.kind") or form.facility_kind
            facility = Facility.objects.create(
                organization=org,
                name=str(facility_name)[:255],
                kind=kind if kind in FacilityKind.values else form.facility_kind,
                gln=allocate_key(prefix_for(org), "gln"),
                province_code=org.province_code,
                ward_code=org.ward_code,
                street_address=org.street_address,
                latitude=lat,
                longitude=lon,
            )
            audit.record(actor=actor, action=AuditAction.CREATE, instance=facility, organization_id=org.pk)
        response.facility = facility
    response.save()
    audit.record(actor=actor, action=AuditAction.CREATE, instance=response, organization_id=response.organization_id)
    return response
