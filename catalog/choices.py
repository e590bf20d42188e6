"""Choices of the catalogue domain."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    HOUSEHOLD = "household", _("Hộ sản xuất, kinh doanh")
    COOPERATIVE = "cooperative", _("Hợp tác xã")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    AGENCY = "agency", _("Cơ quan quản lý nhà nước")


class Department(models.TextChoices):
    """Which department an agency is (issue 25): it decides nothing by itself; the agency's scope (categories and
    communes) routes reviews, inspections, recalls and complaints. `general` is an agency of every field."""

    GENERAL = "general", _("Chung (mọi lĩnh vực)")
    SCIENCE_TECHNOLOGY = "science_technology", _("Sở Khoa học và Công nghệ")
    AGRICULTURE = "agriculture", _("Sở Nông nghiệp và Môi trường")
    INDUSTRY_TRADE = "industry_trade", _("Sở Công Thương")
    HEALTH = "health", _("Sở Y tế")
    COMMUNE_COMMITTEE = "commune_committee", _("UBND xã, phường")


class OrganizationStatus(models.TextChoices):
    PENDING = "pending", _("Chờ duyệt")
    APPROVED = "approved", _("Đã duyệt")
    SUSPENDED = "suspended", _("Đình chỉ")


class FacilityKind(models.TextChoices):
    FARM = "farm", _("Trang trại, vườn trồng")
    COLLECTION_POINT = "collection_point", _("Điểm thu gom")
    PROCESSING_PLANT = "processing_plant", _("Cơ sở chế biến")
    SLAUGHTERHOUSE = "slaughterhouse", _("Cơ sở giết mổ")
    COLD_STORE = "cold_store", _("Kho lạnh")
    WAREHOUSE = "warehouse", _("Kho hàng")
    SHOP = "shop", _("Cửa hàng")
    OFFICE = "office", _("Văn phòng")


class PriorityGroup(models.TextChoices):
    UT1 = "UT1", _("Ưu tiên 1")
    UT2 = "UT2", _("Ưu tiên 2")
    UT3 = "UT3", _("Ưu tiên 3")


class RiskClass(models.TextChoices):
    HIGH = "high", _("Nguy cơ cao")
    MEDIUM = "medium", _("Nguy cơ trung bình")
    LOW = "low", _("Nguy cơ thấp")


class OcopStars(models.IntegerChoices):
    THREE = 3, _("3 sao")
    FOUR = 4, _("4 sao")
    FIVE = 5, _("5 sao")


class CertificateKind(models.TextChoices):
    VIETGAP = "vietgap", "VietGAP"
    GLOBALGAP = "globalgap", "GlobalG.A.P."
    ORGANIC = "organic", _("Hữu cơ")
    HACCP = "haccp", "HACCP"
    ISO22000 = "iso22000", "ISO 22000"
    ISO9001 = "iso9001", "ISO 9001"
    OCOP = "ocop", "OCOP"
    OTHER = "other", _("Khác")


class CertificateScope(models.TextChoices):
    ORGANIZATION = "organization", _("Tổ chức")
    FACILITY = "facility", _("Cơ sở")
    GROWING_AREA = "growing_area", _("Vùng trồng")
    PRODUCT = "product", _("Sản phẩm")


class LotStatus(models.TextChoices):
    DRAFT = "draft", _("Nháp")
    SUBMITTED = "submitted", _("Chờ duyệt công bố")
    PUBLISHED = "published", _("Đã công bố")
    RECALLED = "recalled", _("Đã thu hồi")


class QuantityUnit(models.TextChoices):
    KG = "KGM", _("kg")
    TONNE = "TNE", _("tấn")
    GRAM = "GRM", _("gam")
    LITRE = "LTR", _("lít")
    PIECE = "H87", _("cái, quả")
    HEAD = "HEA", _("con")
    PACKAGE = "XPK", _("gói, hộp")
    CUBIC_METRE = "MTQ", _("m³")
