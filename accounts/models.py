"""Users, their memberships in organisations, and API tokens for machine clients."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import MemberRole


class User(AbstractUser):
    """A person. Platform admins are superusers; agency officers belong to an agency organisation;
    producer members have memberships; anyone else is a consumer."""

    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    agency = models.ForeignKey(
        "catalog.Organization",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
        help_text=_("Cơ quan quản lý mà cán bộ này thuộc về (chỉ dành cho cán bộ cơ quan)."),
    )
    scope_ward_codes = models.JSONField(
        _("xã, phường phụ trách"),
        default=list,
        blank=True,
        help_text=_("Với cán bộ: các xã, phường trong phạm vi của cơ quan mà người này phụ trách; trống là tất cả."),
    )
    # the officer's own department and product groups inside the agency's (issue 25); set by the agency's head on
    # /oversight/can-bo/ (catalog.services.officers); the values of `department_kind` are catalog.choices.Department
    department_kind = models.CharField(
        _("lĩnh vực của cán bộ"),
        max_length=20,
        blank=True,
        help_text=_("Trống: lĩnh vực của cơ quan."),
    )
    scope_categories = models.ManyToManyField(
        "catalog.PriorityCategory",
        verbose_name=_("nhóm sản phẩm phụ trách"),
        blank=True,
        related_name="officers",
        help_text=_("Với cán bộ: các nhóm sản phẩm trong phạm vi của cơ quan mà người này phụ trách; trống là tất cả."),
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")


class Membership(models.Model):
    """A user's role (owner or staff) in a producer organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey("catalog.Organization", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=8, choices=MemberRole.choices, default=MemberRole.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="unique_membership")]
        verbose_name = _("thành viên")
        verbose_name_plural = _("thành viên")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"


class TokenScope(models.TextChoices):
    """What an API token may do; a token holds one or more of them."""

    CAPTURE = "capture", _("Ghi sự kiện EPCIS")
    READ = "read", _("Đọc dữ liệu")
    WORKSPACE = "workspace", _("Ghi dữ liệu khu làm việc")


class ApiToken(models.Model):
    """A bearer token for an organisation's machine clients; only its SHA-256 is stored.

    `scopes` holds its scopes separated by spaces (as OAuth 2 writes them): `capture` (EPCIS capture),
    `read` (EPCIS queries, trace, the API's reads of the organisation's data), `workspace` (the workspace
    API's writes). A token stops working when it is revoked or when `expires_at` has passed.
    """

    organization = models.ForeignKey("catalog.Organization", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.CharField(_("quyền"), max_length=40)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn"))
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("khoá API")
        verbose_name_plural = _("khoá API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes.split()

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired


class PasswordResetCode(models.Model):
    """A one-time code that lets a person without e-mail choose a new password: issued by the owner of their
    organisation or an officer of its province, shown once, stored hashed, valid 24 hours, used at most once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reset_codes")
    code_hash = models.CharField(max_length=200)
    issued_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn"))
    used_at = models.DateTimeField(_("đã dùng lúc"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("đã huỷ lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("mã đặt lại mật khẩu")
        verbose_name_plural = _("mã đặt lại mật khẩu")

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%d/%m/%Y %H:%M})"
