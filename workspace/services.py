"""Workspace-only writes that combine domain services (no rules of their own)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import Membership, User
from accounts.permissions import Actor
from catalog.models import Organization
from catalog.services import add_member
from core import audit
from core.choices import AuditAction
from core.errors import Forbidden


@transaction.atomic
def create_member_account(
    *, actor: Actor, organization: Organization, data: dict[str, Any], role: str = "staff"
) -> Membership:
    """The owner makes an account for a family member or worker (who may have no e-mail) and adds them;
    or adds an existing person by username when no password is given."""
    if not (permissions.can_manage_organization(actor, organization) or permissions.is_platform_admin(actor)):
        raise Forbidden()
    username = str(data.get("username") or "").strip()
    if not username:
        raise ValidationError({"username": [_("Cần nhập tên đăng nhập.")]})
    password = str(data.get("password") or "")
    user = User.objects.filter(username=username).first()
    if user is None:
        if not password:
            raise ValidationError({"username": [_("Chưa có tài khoản này; nhập mật khẩu để tạo mới.")]})
        user = User(
            username=username,
            first_name=str(data.get("first_name") or "")[:150],
            phone=str(data.get("phone") or "")[:20],
        )
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=user,
            after={"username": user.username},
            organization_id=organization.pk,
        )
    return add_member(actor=actor, organization=organization, user=user, role=role)
