"""Account writes: producer sign-up, API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import ApiToken, TokenScope, User
from accounts.permissions import Actor, person
from catalog.choices import OrganizationStatus
from catalog.models import Organization
from catalog.services import register_organization
from core import audit
from core.choices import AuditAction
from core.errors import Forbidden

TOKEN_PREFIX = "tx_"
LAST_USED_PRECISION = 60  # seconds: `ApiToken.last_used_at` is rewritten at most this often per token
ALL_SCOPES = tuple(TokenScope.values)
TOKEN_DEFAULT_DAYS = 365
TOKEN_MAX_DAYS = 730  # two years


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def sign_up_producer(*, user_data: dict[str, Any], password: str, organization_data: dict[str, Any]) -> User:
    """Create the person's account and register their organisation (pending), all or nothing."""

    user = User(
        username=user_data["username"],
        first_name=user_data.get("first_name", ""),
        email=user_data.get("email", ""),
        phone=user_data.get("phone", ""),
    )
    user.set_password(password)
    user.save()
    audit.record(actor=user, action=AuditAction.CREATE, instance=user, after={"username": user.username})
    register_organization(actor=user, data=organization_data)
    return user


class MissingScope(Forbidden):
    """An API token was used for something its scopes do not cover."""

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__(
            _("Khoá API này không có quyền “%(scope)s”.") % {"scope": scope}
            + f" / This API token lacks the “{scope}” scope."
        )


class TokenCannotCreateTokens(Forbidden):
    """Tokens, and members added with a password, are made by a signed-in person, never by another token."""

    def __init__(self) -> None:
        super().__init__(
            _("Khoá API không thể tạo khoá API hay thêm thành viên; hãy đăng nhập để làm việc này.")
            + " / An API token cannot create API tokens or add members; sign in to do this."
        )


def _clean_scopes(scopes: Iterable[str]) -> str:
    wanted = {str(s).strip() for s in scopes if str(s).strip()}
    unknown = sorted(wanted - set(TokenScope.values))
    if unknown:
        raise ValidationError({"scopes": [_("Quyền không hợp lệ: %(names)s.") % {"names": ", ".join(unknown)}]})
    if not wanted:
        raise ValidationError({"scopes": [_("Chọn ít nhất một quyền cho khoá API.")]})
    return " ".join(s for s in TokenScope.values if s in wanted)


def _clean_expiry(expires_days: Any) -> int:
    try:
        days = int(expires_days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise ValidationError(
            {"expires_days": [_("Thời hạn khoá phải từ 1 đến %(max)s ngày.") % {"max": TOKEN_MAX_DAYS}]}
        )
    return days


def active_tokens(organization: Any) -> models.QuerySet[ApiToken]:
    """The organisation's tokens that still work: not revoked, not expired."""
    return ApiToken.objects.filter(organization=organization, revoked_at__isnull=True, expires_at__gt=timezone.now())


@transaction.atomic
def create_api_token(
    *,
    actor: Actor,
    organization: Any,
    name: str,
    scopes: Iterable[str] = ALL_SCOPES,
    expires_days: int = TOKEN_DEFAULT_DAYS,
) -> tuple[ApiToken, str]:
    """Issue a token for the organisation's machine clients; the plain token is shown once, stored hashed.

    Only a person may do it (the owner of an approved organisation, a platform admin, the operator at the
    command line), never a token; the organisation must be approved and under its cap of active tokens.
    """

    if getattr(actor, "is_token", False):  # a token's machine client (accounts.permissions.TokenActor)
        raise TokenCannotCreateTokens()
    # Owners and admins (the status check below says why a suspended organisation's owner is refused).
    if not (permissions.is_owner(actor, organization) or permissions.is_platform_admin(actor)):
        raise Forbidden()
    # The organisation's row is locked so that two requests cannot both take the last place under the cap.
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if organization.status != OrganizationStatus.APPROVED:
        raise Forbidden(
            _("Tổ chức chưa được duyệt hoặc đang bị đình chỉ nên chưa thể tạo khoá API.")
            + " / The organisation is not approved (pending or suspended): it cannot create API tokens."
        )
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("Cần đặt tên cho khoá API.")]})
    scope_text = _clean_scopes(scopes)
    days = _clean_expiry(expires_days)
    cap = settings.TRUYXUAT_MAX_TOKENS_PER_ORGANIZATION
    if active_tokens(organization).count() >= cap:
        raise ValidationError(
            _("Tổ chức đã có %(cap)s khoá API đang dùng, là số tối đa; hãy thu hồi khoá không dùng nữa.") % {"cap": cap}
        )
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organization=organization,
        name=name,
        prefix=plain[:10],
        token_hash=hash_token(plain),
        scopes=scope_text,
        expires_at=timezone.now() + dt.timedelta(days=days),
        created_by=person(actor),
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=token,
        after={
            "name": name,
            "prefix": token.prefix,
            "scopes": scope_text,
            "expires_at": token.expires_at.isoformat(),
        },
        organization_id=organization.pk,
    )
    return token, plain


@transaction.atomic
def revoke_api_token(*, actor: Actor, token: ApiToken) -> ApiToken:
    if getattr(actor, "is_token", False):
        raise TokenCannotCreateTokens()
    # An owner may revoke even while the organisation is suspended: taking access away is always allowed.
    if not (permissions.is_owner(actor, token.organization) or permissions.is_platform_admin(actor)):
        raise Forbidden()
    if token.revoked_at is not None:
        raise ValidationError(_("Khoá API này đã bị thu hồi."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        action=AuditAction.REVOKE,
        instance=token,
        after={"name": token.name, "prefix": token.prefix, "revoked_at": token.revoked_at.isoformat()},
        organization_id=token.organization_id,
    )
    return token


def authenticate_token(plain: str) -> ApiToken | None:
    """The active (unrevoked, unexpired) token matching `plain`, with its organisation; records when it was last used.

    `last_used_at` is written only when it is unset or older than `LAST_USED_PRECISION` seconds:
    a busy machine client would otherwise turn every request into a write (and, on SQLite, take the
    database write lock for it). It says "used within the last minute", which is what it is for.
    The token and its organisation are read with one hand-written join (`_read_token`): every API
    request makes this read, and compiling the equivalent queryset cost more than running it.
    """
    if not plain.startswith(TOKEN_PREFIX):
        return None
    token = _read_token(hash_token(plain))
    if token is not None:
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
    return token


def _columns(model: type[models.Model], alias: str) -> tuple[list[str], list[str], list[Any], list[list[Any]]]:
    """Quoted columns, attnames, column expressions and the backend's value converters of a model's fields."""
    qn = connection.ops.quote_name
    fields: list[Any] = list(model._meta.concrete_fields)
    cols = [f.get_col(alias) for f in fields]
    converters = [
        connection.ops.get_db_converters(col) + f.get_db_converters(connection)
        for f, col in zip(fields, cols, strict=True)
    ]
    return [f"{alias}.{qn(f.column)}" for f in fields], [f.attname for f in fields], cols, converters


def _convert(values: Sequence[Any], cols: list[Any], converters: list[list[Any]]) -> list[Any]:
    out = []
    for value, col, convs in zip(values, cols, converters, strict=True):
        for convert in convs:
            value = convert(value, col, connection)
        out.append(value)
    return out


_token_queries: dict[tuple[str, str], tuple[str, Any, Any]] = {}


def _token_query() -> tuple[str, Any, Any]:
    """The token-and-organisation join, with what turns its row into model instances (per connection)."""

    key = (connection.alias, connection.vendor)
    if key not in _token_queries:
        token = _columns(ApiToken, "t")
        org = _columns(Organization, "o")
        qn = connection.ops.quote_name
        sql = (
            f"SELECT {', '.join(token[0] + org[0])} FROM {qn(ApiToken._meta.db_table)} t "
            f"JOIN {qn(Organization._meta.db_table)} o ON o.{qn('id')} = t.{qn('organization_id')} "
            f"WHERE t.{qn('token_hash')} = %s AND t.{qn('revoked_at')} IS NULL AND t.{qn('expires_at')} > %s"
        )
        _token_queries[key] = (sql, token, org)
    return _token_queries[key]


def _read_token(token_hash: str) -> ApiToken | None:
    """The unrevoked, unexpired token with this hash and its organisation (as `select_related` would give them)."""

    sql, (t_cols, t_names, t_exprs, t_conv), (_o_cols, o_names, o_exprs, o_conv) = _token_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, [token_hash, connection.ops.adapt_datetimefield_value(timezone.now())])
        row = cursor.fetchone()
    if row is None:
        return None
    n = len(t_cols)
    token = ApiToken.from_db(connection.alias, t_names, _convert(row[:n], t_exprs, t_conv))
    organization = Organization.from_db(connection.alias, o_names, _convert(row[n:], o_exprs, o_conv))
    ApiToken.organization.field.set_cached_value(token, organization)
    return token


# --- login lockouts and the second factor (accounts.lockout, accounts.otp) ----------------------------------------


@transaction.atomic
def unlock_login(*, actor: Actor, kind: str, key: str, reason: str = "") -> int:
    """Lift a login lockout of an account (username) or an address; returns how many failure records went."""
    from axes.models import AccessAttempt

    from accounts import lockout

    if kind not in (lockout.ACCOUNT, lockout.ADDRESS) or not key:
        raise ValidationError(_("Không rõ khoá đăng nhập cần mở."))
    if not lockout.can_unlock(actor, kind, key):
        raise Forbidden(_("Bạn không có quyền mở khoá đăng nhập này."))
    field = "username" if kind == lockout.ACCOUNT else "ip_address"
    attempts = AccessAttempt.objects.select_for_update().filter(**{field: key}).order_by("-attempt_time")
    latest = attempts.first()
    if latest is None:
        raise ValidationError(_("Không còn khoá đăng nhập nào với tài khoản hoặc địa chỉ này."))
    failures = sum(attempts.values_list("failures_since_start", flat=True))
    user = lockout.locked_user(key) if kind == lockout.ACCOUNT else None
    membership = user.memberships.first() if user is not None else None
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        instance=latest,
        before={"kind": kind, "key": key, "failures": failures},
        after={"unlocked": True},
        organization_id=membership.organization_id if membership is not None else None,
        reason=reason or f"Mở khoá đăng nhập ({kind} {key})",
    )
    deleted, _rows = attempts.delete()
    return deleted


def _totp_devices(user: Any) -> models.QuerySet[Any]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user)


@transaction.atomic
def start_totp_enrolment(*, actor: Actor) -> Any:
    """A new, unconfirmed TOTP device for the signed-in officer or admin (earlier unconfirmed ones go)."""
    from accounts.otp import needs_second_factor

    if not needs_second_factor(actor):
        raise Forbidden(_("Chỉ cán bộ cơ quan quản lý và quản trị viên dùng xác thực hai lớp."))
    devices = _totp_devices(actor)
    if devices.filter(confirmed=True).exists():
        raise ValidationError(_("Tài khoản đã có ứng dụng xác thực; nhờ quản trị viên đặt lại nếu bị mất."))
    devices.filter(confirmed=False).delete()
    return devices.model.objects.create(user=actor, name="totp", confirmed=False)


def _code_error(device: Any, token: str) -> ValidationError | None:
    """Check a code on a locked device row: None if accepted. A wrong code doubles the wait before the next try
    (django-otp's throttling); the caller commits that count before raising the error, so it is kept."""
    allowed, data = device.verify_is_allowed()
    if not allowed:
        seconds = 1
        if data and data.get("locked_until"):
            seconds = max(1, int((data["locked_until"] - timezone.now()).total_seconds()) + 1)
        return ValidationError(
            _("Nhập sai mã nhiều lần; thử lại sau %(seconds)s giây.") % {"seconds": seconds}, code="throttled"
        )
    if not device.verify_token(str(token).strip().replace(" ", "")):
        return ValidationError(_("Mã xác thực không đúng hoặc đã hết hạn."), code="invalid")
    return None


def confirm_totp_device(*, actor: Actor, device_id: int, token: str) -> Any:
    """Confirm the officer's new device with a code from their app; the session is then verified by the view."""
    with transaction.atomic():
        device = _totp_devices(actor).select_for_update().filter(pk=device_id, confirmed=False).first()
        if device is None:
            raise ValidationError(_("Phiên đăng ký đã hết; hãy bắt đầu lại."), code="expired")
        error = _code_error(device, token)
        if error is None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit.record(
                actor=actor,
                action=AuditAction.CREATE,
                instance=device,
                after={"user_id": actor.pk, "name": device.name, "confirmed": True},
                reason="Đăng ký ứng dụng xác thực hai lớp",
            )
    if error is not None:
        raise error
    return device


def verify_second_factor(*, actor: Actor, token: str) -> Any:
    """The confirmed device that accepts this code (then the view marks the session verified)."""
    from accounts.otp import needs_second_factor

    if not needs_second_factor(actor):
        raise Forbidden()
    with transaction.atomic():
        device = _totp_devices(actor).select_for_update().filter(confirmed=True).order_by("id").first()
        if device is None:
            raise ValidationError(_("Tài khoản chưa có ứng dụng xác thực."), code="no_device")
        error = _code_error(device, token)
    if error is not None:
        raise error
    return device


@transaction.atomic
def reset_second_factor(*, actor: Actor, user: User, reason: str = "") -> int:
    """A platform admin removes an officer's devices (lost phone): the officer enrols again at next sign-in."""
    if not permissions.is_platform_admin(actor):
        raise Forbidden(_("Chỉ quản trị viên hệ thống đặt lại xác thực hai lớp."))
    devices = _totp_devices(user)
    count = devices.count()
    audit.record(
        actor=actor,
        action=AuditAction.REVOKE,
        instance=user,
        before={"totp_devices": count},
        after={"totp_devices": 0},
        reason=reason or "Đặt lại xác thực hai lớp",
    )
    devices.delete()
    return count
