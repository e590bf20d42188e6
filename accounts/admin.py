from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import ApiToken, Membership, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (  # type: ignore[assignment]
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        ("truyxuat", {"fields": ("phone", "agency", "department_kind", "scope_ward_codes", "scope_categories")}),
    )
    # an officer's department and scope are set on /oversight/can-bo/ (catalog.services.officers), audited and
    # ledgered; an edit here would bypass both and the ledger's audit would report the row as changed
    readonly_fields = ("department_kind", "scope_ward_codes", "scope_categories")
    list_display = ("username", "first_name", "agency", "is_staff", "is_superuser")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "role")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "organization", "created_at", "revoked_at")
    readonly_fields = ("prefix", "token_hash")
