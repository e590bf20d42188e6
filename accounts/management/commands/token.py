"""`truyxuat token create|list|revoke`: API tokens for an organisation's machine clients."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import ApiToken
from accounts.permissions import SYSTEM
from accounts.services import ALL_SCOPES, TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, create_api_token, revoke_api_token
from catalog.models import Organization


class Command(BaseCommand):
    help = "Create, list or revoke API tokens. The plain token is printed once, as the last line."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Issue a token")
        create.add_argument("--organization", required=True, help="Tax code (MST) of the organisation")
        create.add_argument("--name", required=True, help="A label, e.g. the client system's name")
        create.add_argument(
            "--scopes",
            default=",".join(ALL_SCOPES),
            help="Comma-separated scopes from capture, read, workspace (default: all three)",
        )
        create.add_argument(
            "--expires-days",
            type=int,
            default=TOKEN_DEFAULT_DAYS,
            help=f"Days until the token expires, 1..{TOKEN_MAX_DAYS} (default {TOKEN_DEFAULT_DAYS})",
        )
        lister = sub.add_parser("list", help="List tokens")
        lister.add_argument("--organization", help="Only this organisation's (tax code)")
        revoke = sub.add_parser("revoke", help="Revoke a token")
        revoke.add_argument("prefix", help="The token's prefix as shown by `token list`")

    def _organization(self, tax_code: str) -> Organization:
        org = Organization.objects.filter(tax_code=tax_code).first()
        if org is None:
            raise CommandError(f"Không có tổ chức với mã số thuế {tax_code} / No organisation with tax code {tax_code}")
        return org

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "create":
                org = self._organization(options["organization"])
                token, plain = create_api_token(
                    actor=SYSTEM,
                    organization=org,
                    name=options["name"],
                    scopes=options["scopes"].split(","),
                    expires_days=options["expires_days"],
                )
                self.stdout.write(
                    f"Đã tạo khoá {token.name!r} cho {org.name} (quyền / scopes: {','.join(token.scope_list)}; "
                    f"hết hạn / expires: {token.expires_at.isoformat(timespec='seconds')})."
                )
                self.stdout.write("Lưu lại ngay, khoá chỉ hiện một lần / Save it now, it is shown only once:")
                self.stdout.write(plain)
            elif action == "list":
                tokens = ApiToken.objects.select_related("organization", "created_by").order_by(
                    "organization__name", "-created_at"
                )
                now = timezone.now()
                if options.get("organization"):
                    tokens = tokens.filter(organization=self._organization(options["organization"]))
                for t in tokens:
                    state = "revoked" if t.revoked_at else "expired" if t.expires_at <= now else "active"
                    used = t.last_used_at.isoformat(timespec="seconds") if t.last_used_at else "never"
                    by = t.created_by.username if t.created_by else "system"
                    self.stdout.write(
                        f"{t.prefix}  {state:<7}  {t.organization.tax_code}  {t.name}  "
                        f"scopes: {','.join(t.scope_list)}  created: {t.created_at.isoformat(timespec='seconds')} "
                        f"by {by}  expires: {t.expires_at.isoformat(timespec='seconds')}  last used: {used}"
                    )
            else:
                found = ApiToken.objects.filter(prefix=options["prefix"]).first()
                if found is None:
                    raise CommandError("Không tìm thấy khoá / No such token")
                revoke_api_token(actor=SYSTEM, token=found)
                self.stdout.write(f"Đã thu hồi / Revoked {found.prefix} ({found.name})")
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
