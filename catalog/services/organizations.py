"""Organisation services: registration, approval, suspension, members."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.choices import MemberRole
from accounts.models import Membership
from accounts.permissions import Actor, require
from catalog.choices import OrganizationKind, OrganizationStatus
from catalog.models import Organization
from catalog.services.common import allocate_key, field, prefix_for, save_unique, validate_address
from catalog.validators import validate_gln, validate_tax_code
from core import audit
from core.choices import AuditAction
from ledger.services import append_record

ORGANIZATION_FIELDS = (
    "name",
    "kind",
    "tax_code",
    "gln",
    "gs1_company_prefix",
    "province_code",
    "ward_code",
    "legacy_district",
    "street_address",
    "representative",
    "phone",
    "email",
    "website",
    "department",
)


def _clean_organization_fields(data: dict[str, Any]) -> dict[str, Any]:
    values = {k: data[k] for k in ORGANIZATION_FIELDS if k in data}
    values["tax_code"] = field("tax_code", validate_tax_code, values.get("tax_code", ""))
    if values.get("gln"):
        values["gln"] = field("gln", validate_gln, values["gln"])
    else:
        values["gln"] = None
    if values.get("kind") not in OrganizationKind.values:
        raise ValidationError({"kind": [_("Loại hình tổ chức không hợp lệ.")]})
    values.setdefault("province_code", settings.TRUYXUAT_PROVINCE_CODE)
    validate_address(values["province_code"], values.get("ward_code"))
    if not str(values.get("name", "")).strip():
        raise ValidationError({"name": [_("Cần nhập tên tổ chức.")]})
    return values


@transaction.atomic
def register_organization(*, actor: Actor, data: dict[str, Any]) -> Organization:
    """Self-registration of a producer organisation: created pending, the actor becomes its owner."""
    require(permissions.is_authenticated(actor))
    values = _clean_organization_fields(data)
    if values["kind"] == OrganizationKind.AGENCY:
        raise ValidationError({"kind": [_("Cơ quan quản lý không tự đăng ký; liên hệ quản trị hệ thống.")]})
    if Organization.objects.filter(tax_code=values["tax_code"]).exists():
        raise ValidationError({"tax_code": [_("Mã số thuế này đã được đăng ký.")]})
    org = Organization(status=OrganizationStatus.PENDING, **values)
    save_unique(org, {"tax_code": _("Mã số thuế này đã được đăng ký."), "gln": _("GLN này đã được dùng.")})
    owner = permissions.person(actor)
    if owner is not None:
        Membership.objects.create(user=owner, organization=org, role=MemberRole.OWNER)
        permissions.forget_memberships(actor)
    audit.record(actor=actor, action=AuditAction.CREATE, instance=org, organization_id=org.pk)
    return org


@transaction.atomic
def create_organization(
    *, actor: Actor, data: dict[str, Any], status: str = OrganizationStatus.APPROVED
) -> Organization:
    """A platform admin registers an organisation (agencies, or producers on their behalf)."""
    require(permissions.is_platform_admin(actor))
    values = _clean_organization_fields(data)
    if Organization.objects.filter(tax_code=values["tax_code"]).exists():
        raise ValidationError({"tax_code": [_("Mã số thuế này đã được đăng ký.")]})
    org = Organization(status=status, **values)
    if status == OrganizationStatus.APPROVED:
        org.approved_at = timezone.now()
        if not org.gln:  # as approval does: shipments name their destination by it (events.services.authority)
            org.gln = allocate_key(prefix_for(org), "gln")
    save_unique(org, {"tax_code": _("Mã số thuế này đã được đăng ký."), "gln": _("GLN này đã được dùng.")})
    audit.record(actor=actor, action=AuditAction.CREATE, instance=org, organization_id=org.pk)
    if status == OrganizationStatus.APPROVED:
        append_record(org)
    return org


@transaction.atomic
def approve_organization(*, actor: Actor, organization: Organization, reason: str = "") -> Organization:
    """An agency officer of the province approves a pending (or reinstates a suspended) organisation."""
    require(permissions.is_officer_for(actor, organization))
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if org.status == OrganizationStatus.APPROVED:
        raise ValidationError(_("Tổ chức này đã được duyệt."))
    before = audit.snapshot(org)
    org.status = OrganizationStatus.APPROVED
    org.approved_at = timezone.now()
    if not org.gln:
        org.gln = allocate_key(prefix_for(org), "gln")
    org.save()
    audit.record(
        actor=actor,
        action=AuditAction.APPROVE,
        instance=org,
        before=before,
        organization_id=org.pk,
        reason=reason,
    )
    append_record(org)
    return org


@transaction.atomic
def suspend_organization(*, actor: Actor, organization: Organization, reason: str) -> Organization:
    """An agency officer suspends an organisation; it can no longer write. A reason is required."""
    require(permissions.is_officer_for(actor, organization))
    if not reason.strip():
        raise ValidationError({"reason": [_("Cần nêu lý do đình chỉ.")]})
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    before = audit.snapshot(org)
    org.status = OrganizationStatus.SUSPENDED
    org.save()
    audit.record(
        actor=actor,
        action=AuditAction.SUSPEND,
        instance=org,
        before=before,
        organization_id=org.pk,
        reason=reason,
    )
    append_record(org)
    return org


@transaction.atomic
def add_member(*, actor: Actor, organization: Organization, user: Any, role: str = MemberRole.STAFF) -> Membership:
    """The owner (or an admin) adds a person to the organisation."""
    require(permissions.can_manage_organization(actor, organization) or permissions.is_platform_admin(actor))
    if role not in MemberRole.values:
        raise ValidationError({"role": [_("Vai trò không hợp lệ.")]})
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, defaults={"role": role}
    )
    if not created:
        raise ValidationError({"user": [_("Người này đã là thành viên.")]})
    audit.record(actor=actor, action=AuditAction.CREATE, instance=membership, organization_id=organization.pk)
    return membership
