from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import ApiToken, Membership, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("truyxuat", {"fields": ("phone", "agency", "scope_ward_codes")}))  # type: ignore[misc]
    list_display = ("username", "first_name", "agency", "is_staff", "is_superuser")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "role")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "organization", "created_at", "revoked_at")
    readonly_fields = ("prefix", "token_hash")
