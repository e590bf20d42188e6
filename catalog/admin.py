"""Back-office admin for the catalogue (platform admins); producers and agencies use their own pages."""

from django.contrib import admin

from catalog.models import Certificate, Facility, GrowingArea, Lot, Organization, PriorityCategory, Product


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "department_kind", "tax_code", "status", "province_code")
    list_filter = ("kind", "department_kind", "status")
    filter_horizontal = ("scope_categories",)  # an agency's product groups (issue 25); none: every group
    search_fields = ("name", "tax_code", "gln")


@admin.register(PriorityCategory)
class PriorityCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "priority_group", "default_risk_class", "is_active")


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "gln", "organization")
    search_fields = ("name", "gln")


@admin.register(GrowingArea)
class GrowingAreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "crop", "declared_area_ha", "computed_area_ha", "organization")
    search_fields = ("code", "name")


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name", "gtin", "category", "ocop_stars", "organization")
    list_filter = ("category", "risk_class")
    search_fields = ("name", "gtin")


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ("kind", "number", "issuer", "valid_from", "valid_to", "organization")
    list_filter = ("kind",)


@admin.register(Lot)
class LotAdmin(admin.ModelAdmin):
    list_display = ("product", "lot_code", "status", "production_date", "expiry_date")
    list_filter = ("status",)
    search_fields = ("lot_code", "product__name", "product__gtin")
