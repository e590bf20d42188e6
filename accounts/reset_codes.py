"""One-time password reset codes for people without e-mail (farmers): issued by the owner of their organisation
or an officer of its province, handed over in person or by phone, typed with the username at "Quên mật khẩu?".

The code is shown once to whoever issues it and stored only as a salted hash (Django's password hasher); it is
good for 24 hours and one use, and a new code cancels the person's earlier ones. Wrong codes count as failed
sign-ins in django-axes (the view signals them), so the same lockout as the login page stops guessing.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import PasswordResetCode, User
from accounts.permissions import Actor, person
from core import audit
from core.choices import AuditAction
from core.errors import Forbidden

CODE_DIGITS = 8
CODE_LIFETIME = dt.timedelta(hours=24)


def normalise(code: str) -> str:
    """What the person typed, without spaces or dashes ("1234 5678" = "12345678")."""
    return "".join(ch for ch in str(code or "") if ch.isdigit())


def display(code: str) -> str:
    """The code as it is read out: two groups of four digits."""
    return f"{code[:4]} {code[4:]}"


@transaction.atomic
def issue_reset_code(*, actor: Actor, user: User) -> tuple[PasswordResetCode, str]:
    """A new code for `user` (earlier unused ones cancelled); returns the row and the plain code, shown once."""
    if not permissions.can_issue_reset_code(actor, user):
        raise Forbidden(_("Bạn không có quyền cấp mã đặt lại mật khẩu cho tài khoản này."))
    now = timezone.now()
    PasswordResetCode.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    plain = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    row = PasswordResetCode.objects.create(
        user=user,
        code_hash=make_password(plain),
        issued_by=person(actor),
        expires_at=now + CODE_LIFETIME,
    )
    membership = user.memberships.first()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=row,
        after={"user_id": user.pk, "username": user.username, "expires_at": row.expires_at.isoformat()},
        organization_id=membership.organization_id if membership is not None else None,
        reason="Cấp mã đặt lại mật khẩu",
    )
    return row, plain


class WrongCode(ValidationError):
    """The username and code do not match a usable code (unknown, wrong, used, cancelled or expired)."""

    def __init__(self) -> None:
        super().__init__(
            {"code": [_("Tên đăng nhập hoặc mã không đúng, hoặc mã đã dùng hay đã hết hạn (mã dùng được 24 giờ).")]},
        )


def reset_password_with_code(*, username: str, code: str, password: str) -> User:
    """Set a new password for `username` with a usable code, which is then used up; the person is the actor.

    Raises WrongCode (counted as a failed sign-in by the view) or ValidationError on `new_password1` when the
    password is too weak (the code stays usable then)."""
    digits = normalise(code)
    with transaction.atomic():
        user = User.objects.filter(username=(username or "").strip(), is_active=True).first()
        row = None
        if user is not None and len(digits) == CODE_DIGITS:
            row = (
                PasswordResetCode.objects.select_for_update()
                .filter(user=user, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())
                .order_by("-id")
                .first()
            )
        if row is None or user is None or not check_password(digits, row.code_hash):
            if row is None:
                make_password(digits)  # about the same time whether or not a code exists
            raise WrongCode()
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"new_password1": exc.messages}) from None
        user.set_password(password)
        user.save(update_fields=["password"])
        row.used_at = timezone.now()
        row.save(update_fields=["used_at"])
        membership = user.memberships.first()
        audit.record(
            actor=user,
            action=AuditAction.UPDATE,
            instance=row,
            before={"used": False},
            after={"used": True, "user_id": user.pk},
            organization_id=membership.organization_id if membership is not None else None,
            reason="Đặt lại mật khẩu bằng mã",
        )
    return user
