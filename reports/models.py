"""Programme indicators (targets with deadlines, computed or entered progress) and periodic report jobs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.choices import Department
from reports.choices import IndicatorMethod, JobStatus, PeriodKind


class Indicator(models.Model):
    """A target of the provincial traceability plan, e.g. ≥ 30 % of businesses traced by 31/12/2025."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("chỉ tiêu"), max_length=255)
    method = models.CharField(_("cách tính"), max_length=16, choices=IndicatorMethod.choices)
    target = models.DecimalField(_("mục tiêu"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("đơn vị"), max_length=20, default="%")
    deadline = models.DateField(_("thời hạn"))
    source = models.CharField(_("căn cứ"), max_length=255, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("đang theo dõi"), default=True)

    class Meta:
        ordering = ["sort_order", "deadline", "code"]
        verbose_name = _("chỉ tiêu kế hoạch")
        verbose_name_plural = _("chỉ tiêu kế hoạch")

    def __str__(self) -> str:
        return self.name


class IndicatorFigure(models.Model):
    """An entered figure for an indicator the data cannot tell (trained officers, pilot models…), as of a date."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="figures")
    as_of = models.DateField(_("tính đến ngày"))
    value = models.DecimalField(_("giá trị"), max_digits=12, decimal_places=2)
    note = models.CharField(_("ghi chú, nguồn số liệu"), max_length=255, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-as_of", "-id"]
        verbose_name = _("số liệu chỉ tiêu")
        verbose_name_plural = _("số liệu chỉ tiêu")

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.as_of}: {self.value}"


class ReportJob(models.Model):
    """A periodic report (quarter, half-year, year) for the province or one commune/ward, and its files."""

    period_kind = models.CharField(_("kỳ"), max_length=8, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveSmallIntegerField(_("số kỳ"), default=1, help_text=_("Quý 1–4, nửa năm 1–2, năm: 1."))
    ward_code = models.PositiveIntegerField(_("xã/phường"), null=True, blank=True)
    department = models.CharField(_("sở, ngành"), max_length=120, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255)
    document_number = models.CharField(_("số hiệu văn bản"), max_length=40, blank=True)
    place = models.CharField(_("địa danh"), max_length=80, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    signer_on_behalf_of = models.CharField(_("quyền hạn ký"), max_length=80, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=80, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=120, blank=True)
    status = models.CharField(_("trạng thái"), max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    message = models.CharField(_("bước"), max_length=255, blank=True)
    figures = models.JSONField(_("số liệu"), default=dict, blank=True)
    xlsx = models.FileField(upload_to="reports/%Y/", blank=True)
    pdf = models.FileField(upload_to="reports/%Y/", blank=True)
    seconds = models.FloatField(_("thời gian lập (giây)"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("báo cáo định kỳ")
        verbose_name_plural = _("báo cáo định kỳ")

    def __str__(self) -> str:
        return f"{self.get_period_kind_display()} {self.number}/{self.year}"

    @property
    def department_label(self) -> str:
        """The department in words (a `catalog.choices.Department` is stored as its value; older reports as typed)."""
        return str(Department(self.department).label) if self.department in Department.values else self.department


class DocumentCounter(models.Model):
    """The register of an issuing body's document numbers: one counter per issuer, year and kind (BC, QĐ, TB…).

    Numbers start at 01 each year (Nghị định 30/2020/NĐ-CP); `reports.numbering.take_number` hands them out."""

    issuer = models.CharField(_("cơ quan ban hành"), max_length=255)
    year = models.PositiveSmallIntegerField(_("năm"))
    kind = models.CharField(_("loại văn bản"), max_length=10)
    last = models.PositiveIntegerField(_("số đã cấp gần nhất"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "year", "kind"], name="reports_counter_unique")]
        verbose_name = _("sổ đăng ký số văn bản")
        verbose_name_plural = _("sổ đăng ký số văn bản")

    def __str__(self) -> str:
        return f"{self.issuer} {self.kind} {self.year}: {self.last}"


class ReportSigner(models.Model):
    """Who may sign an agency's documents, as printed: title ("GIÁM ĐỐC"), or "KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC"."""

    agency = models.ForeignKey(
        "catalog.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="report_signers"
    )
    on_behalf_of = models.CharField(_("quyền hạn ký"), max_length=80, blank=True, help_text=_("Ví dụ: KT. GIÁM ĐỐC"))
    title = models.CharField(_("chức vụ"), max_length=80, help_text=_("Ví dụ: GIÁM ĐỐC, PHÓ GIÁM ĐỐC"))
    name = models.CharField(_("họ và tên"), max_length=120)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_active", "on_behalf_of", "title", "name", "id"]
        verbose_name = _("người ký văn bản")
        verbose_name_plural = _("người ký văn bản")

    def __str__(self) -> str:
        return " / ".join(t for t in (self.on_behalf_of, self.title, self.name) if t)
