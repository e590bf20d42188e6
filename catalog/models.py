"""Catalogue: organisations, facilities, growing areas, products, certificates and lots."""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from vietnam_provinces import Province, ProvinceCode, Ward, WardCode

from catalog.choices import (
    CertificateKind,
    CertificateScope,
    Department,
    FacilityKind,
    LotStatus,
    OcopStars,
    OrganizationKind,
    OrganizationStatus,
    PriorityGroup,
    QuantityUnit,
    RiskClass,
)
from catalog.folding import fold_all
from core.models import TimeStampedModel

PLACE_FIELDS = ("ward_code", "province_code", "legacy_district", "category")


class SearchTextMixin(models.Model):
    """A folded copy of the searchable text (`catalog.folding`): lower case, no accents, kept by `save()`.

    Matched with `LIKE` by the portal's search (`portal/search.py`), the same on SQLite and PostgreSQL."""

    search_text = models.CharField(_("chuỗi tìm kiếm"), max_length=1000, blank=True, default="", editable=False)
    SEARCH_FIELDS: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.search_text = fold_all(self.search_parts())
        fields = kwargs.get("update_fields")
        if fields is not None and set(fields) & {*self.SEARCH_FIELDS, *PLACE_FIELDS}:
            kwargs["update_fields"] = {*fields, "search_text"}
        super().save(*args, **kwargs)

    def search_parts(self) -> list[str]:
        return [str(getattr(self, name) or "") for name in self.SEARCH_FIELDS]


class AddressMixin(models.Model):
    """An address on today's two-level units (province → commune/ward); the legacy district is kept as text."""

    province_code = models.PositiveIntegerField(
        _("tỉnh/thành phố"), default=51, help_text=_("Mã tỉnh/thành phố sau sắp xếp năm 2025.")
    )
    ward_code = models.PositiveIntegerField(_("xã/phường"), null=True, blank=True)
    legacy_district = models.CharField(
        _("huyện cũ"), max_length=100, blank=True, help_text=_("Tên huyện trước 01/7/2025, nếu có.")
    )
    street_address = models.CharField(_("số nhà, thôn, đường"), max_length=255, blank=True)

    class Meta:
        abstract = True

    @property
    def province_name(self) -> str:
        return Province.from_code(ProvinceCode(self.province_code)).name

    @property
    def ward_name(self) -> str:
        return Ward.from_code(WardCode(self.ward_code)).name if self.ward_code else ""

    @property
    def full_address(self) -> str:
        parts = [self.street_address, self.ward_name, self.province_name]
        return ", ".join(p for p in parts if p)

    def place_names(self) -> list[str]:
        """Ward, legacy district and province names for the search text (unknown codes give nothing)."""
        names = [self.legacy_district]
        for read in (lambda: self.ward_name, lambda: self.province_name):
            with contextlib.suppress(KeyError, ValueError, LookupError):
                names.append(read())
        return names


class PriorityCategory(models.Model):
    """A product group of the province's priority catalogue (configurable per province)."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=120)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=120, blank=True)
    priority_group = models.CharField(
        _("nhóm ưu tiên"), max_length=3, choices=PriorityGroup.choices, default=PriorityGroup.UT1
    )
    default_risk_class = models.CharField(
        _("mức nguy cơ mặc định"), max_length=6, choices=RiskClass.choices, default=RiskClass.MEDIUM
    )
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("nhóm sản phẩm ưu tiên")
        verbose_name_plural = _("danh mục sản phẩm ưu tiên")

    def __str__(self) -> str:
        return self.name


class Organization(SearchTextMixin, AddressMixin, TimeStampedModel):
    """A producer, trader, retailer or agency; producers start pending until an agency approves them."""

    name = models.CharField(_("tên tổ chức"), max_length=255)
    kind = models.CharField(_("loại hình"), max_length=12, choices=OrganizationKind.choices)
    tax_code = models.CharField(
        _("mã số thuế"), max_length=14, unique=True, help_text=_("10 chữ số, hoặc 10-3 với chi nhánh.")
    )
    gln = models.CharField(_("GLN"), max_length=13, null=True, blank=True, unique=True)
    gs1_company_prefix = models.CharField(
        _("mã doanh nghiệp GS1"),
        max_length=12,
        blank=True,
        help_text=_("Để trống nếu chưa có: hệ thống cấp mã theo tiền tố của tỉnh."),
    )
    representative = models.CharField(_("người đại diện"), max_length=120, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    website = models.URLField(_("trang web"), blank=True)
    department = models.CharField(
        _("sở, ngành"), max_length=120, blank=True, help_text=_("Với cơ quan: tên sở, ngành hoặc UBND xã.")
    )
    # an agency's department and scope (issue 25): empty scopes mean every category / every commune of the province
    department_kind = models.CharField(
        _("lĩnh vực quản lý"), max_length=20, choices=Department.choices, default=Department.GENERAL
    )
    scope_categories = models.ManyToManyField(
        PriorityCategory,
        verbose_name=_("nhóm sản phẩm phụ trách"),
        blank=True,
        related_name="agencies",
        help_text=_("Để trống: mọi nhóm sản phẩm."),
    )
    scope_ward_codes = models.JSONField(
        _("xã, phường phụ trách"), default=list, blank=True, help_text=_("Để trống: mọi xã, phường của tỉnh.")
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=OrganizationStatus.choices, default=OrganizationStatus.PENDING
    )
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    SEARCH_FIELDS = ("name", "tax_code", "street_address", "department")

    class Meta:
        ordering = ["name"]
        # who owns a GS1 key not registered as a product: looked up by the prefixes it may have, at every capture
        # naming one (events.services.authority); a plain B-tree (no PostgreSQL pattern-ops twin: no LIKE asked)
        indexes = [models.Index(fields=["gs1_company_prefix"], name="catalog_org_gs1_prefix")]
        verbose_name = _("tổ chức")
        verbose_name_plural = _("tổ chức")

    def __str__(self) -> str:
        return self.name

    def search_parts(self) -> list[str]:
        return [*super().search_parts(), *self.place_names()]


class Facility(SearchTextMixin, AddressMixin, TimeStampedModel):
    """A place with a GLN where things happen: farm, collection point, plant, store, shop."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="facilities")
    name = models.CharField(_("tên cơ sở"), max_length=255)
    kind = models.CharField(_("loại cơ sở"), max_length=20, choices=FacilityKind.choices)
    gln = models.CharField(_("GLN"), max_length=13, unique=True)
    latitude = models.DecimalField(_("vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    SEARCH_FIELDS = ("name", "street_address")

    class Meta:
        ordering = ["organization", "name"]
        verbose_name = _("cơ sở")
        verbose_name_plural = _("cơ sở")

    def __str__(self) -> str:
        return self.name

    def search_parts(self) -> list[str]:
        return [*super().search_parts(), *self.place_names()]


class GrowingArea(SearchTextMixin, TimeStampedModel):
    """A growing area (vùng trồng) or herd site with its code, crop, boundary and area."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="growing_areas")
    facility = models.ForeignKey(
        Facility, null=True, blank=True, on_delete=models.SET_NULL, related_name="growing_areas"
    )
    code = models.CharField(_("mã số vùng trồng"), max_length=40, unique=True)
    name = models.CharField(_("tên vùng"), max_length=255)
    crop = models.CharField(_("cây trồng, vật nuôi"), max_length=120)
    ward_code = models.PositiveIntegerField(_("xã/phường"), null=True, blank=True)
    declared_area_ha = models.DecimalField(_("diện tích khai báo (ha)"), max_digits=10, decimal_places=4)
    boundary = models.JSONField(_("ranh giới (GeoJSON WGS84)"))
    computed_area_ha = models.DecimalField(_("diện tích tính từ ranh giới (ha)"), max_digits=10, decimal_places=4)
    SEARCH_FIELDS = ("code", "name", "crop")

    class Meta:
        ordering = ["code"]
        verbose_name = _("vùng trồng")
        verbose_name_plural = _("vùng trồng")

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def search_parts(self) -> list[str]:
        ward = ""
        if self.ward_code:
            try:
                ward = Ward.from_code(WardCode(self.ward_code)).name
            except (KeyError, ValueError, LookupError):
                ward = ""
        return [*super().search_parts(), ward]


class Product(SearchTextMixin, TimeStampedModel):
    """A traded product identified by a GTIN."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="products")
    gtin = models.CharField(_("GTIN"), max_length=14, unique=True, help_text=_("Lưu dạng GTIN-14."))
    name = models.CharField(_("tên sản phẩm"), max_length=255)
    category = models.ForeignKey(
        PriorityCategory, verbose_name=_("nhóm sản phẩm"), on_delete=models.PROTECT, related_name="products"
    )
    priority_group = models.CharField(_("nhóm ưu tiên"), max_length=3, choices=PriorityGroup.choices)
    risk_class = models.CharField(_("mức nguy cơ"), max_length=6, choices=RiskClass.choices)
    ocop_stars = models.PositiveSmallIntegerField(_("hạng OCOP"), choices=OcopStars.choices, null=True, blank=True)
    brand = models.CharField(_("nhãn hiệu"), max_length=120, blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    shelf_life_days = models.PositiveIntegerField(_("hạn sử dụng (ngày)"), null=True, blank=True)
    standards = models.CharField(
        _("tiêu chuẩn áp dụng"),
        max_length=255,
        blank=True,
        help_text=_("TCVN, QCVN, tiêu chuẩn quốc tế hoặc tiêu chuẩn cơ sở đã áp dụng."),
    )
    image = models.ImageField(_("ảnh sản phẩm"), upload_to="products/%Y/", blank=True)
    SEARCH_FIELDS = ("name", "brand")

    class Meta:
        ordering = ["name"]
        verbose_name = _("sản phẩm")
        verbose_name_plural = _("sản phẩm")

    def __str__(self) -> str:
        return self.name

    def search_parts(self) -> list[str]:
        category = self.category if self.category_id else None
        return [*super().search_parts(), category.name if category else "", category.name_en if category else ""]


class Certificate(TimeStampedModel):
    """A certificate (VietGAP, organic, HACCP, OCOP…) for an organisation, facility, growing area or product."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="certificates")
    kind = models.CharField(_("loại chứng nhận"), max_length=10, choices=CertificateKind.choices)
    number = models.CharField(_("số chứng nhận"), max_length=80)
    issuer = models.CharField(_("tổ chức cấp"), max_length=255)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"))
    scope = models.CharField(_("phạm vi"), max_length=14, choices=CertificateScope.choices)
    facility = models.ForeignKey(Facility, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    growing_area = models.ForeignKey(
        GrowingArea, null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.PROTECT, related_name="certificates")
    document = models.FileField(_("bản scan"), upload_to="certificates/%Y/", blank=True)

    class Meta:
        ordering = ["-valid_to"]
        verbose_name = _("chứng nhận")
        verbose_name_plural = _("chứng nhận")
        constraints = [
            models.CheckConstraint(condition=Q(valid_from__lte=models.F("valid_to")), name="certificate_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def is_valid_on(self, day) -> bool:  # type: ignore[no-untyped-def]
        return self.valid_from <= day <= self.valid_to


class Lot(TimeStampedModel):
    """A batch of one product (GTIN + lot code), from draft to published; the unit of tracing and recall."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="lots")
    lot_code = models.CharField(
        _("số lô"),
        max_length=20,
        help_text=_("Tối đa 20 ký tự theo GS1 (AI 10); duy nhất trong mỗi sản phẩm."),
    )
    production_date = models.DateField(_("ngày sản xuất/thu hoạch"))
    expiry_date = models.DateField(_("hạn sử dụng"), null=True, blank=True)
    quantity = models.DecimalField(_("số lượng"), max_digits=14, decimal_places=3)
    unit = models.CharField(_("đơn vị"), max_length=3, choices=QuantityUnit.choices, default=QuantityUnit.KG)
    origin_areas = models.ManyToManyField(
        GrowingArea, verbose_name=_("vùng trồng nguồn gốc"), blank=True, related_name="lots"
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=LotStatus.choices, default=LotStatus.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-production_date", "-id"]
        verbose_name = _("lô hàng")
        verbose_name_plural = _("lô hàng")
        constraints = [
            models.UniqueConstraint(fields=["product", "lot_code"], name="unique_lot_code_per_product"),
            models.CheckConstraint(
                condition=Q(expiry_date__isnull=True) | Q(expiry_date__gte=models.F("production_date")),
                name="lot_dates",
            ),
        ]
        indexes = [models.Index(fields=["status", "-published_at"])]

    def __str__(self) -> str:
        return f"{self.product.name} — {self.lot_code}"


class Gs1Sequence(models.Model):
    """Next item reference to allocate under a GS1 company prefix (the provincial one or an organisation's)."""

    prefix = models.CharField(max_length=12)
    key_type = models.CharField(max_length=4)  # "gtin" or "gln"
    next_value = models.PositiveBigIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "key_type"], name="unique_gs1_sequence")]

    def __str__(self) -> str:
        return f"{self.key_type} {self.prefix}: {self.next_value}"
