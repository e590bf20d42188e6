"""Forms of the officer pages; they only parse input, the services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Facility, GrowingArea, Lot
from core.forms import VietnameseDecimalField
from core.numbers import FINE_VND, LAB_VALUE
from quality.choices import HandlingStatus, TestKind, Verdict
from quality.models import Analyte, ChecklistTemplate
from quality.selectors import with_hold_flag


class LotsField(forms.ModelMultipleChoiceField):
    """Lots by product, code and status, a held lot as "Đang tạm giữ" (its queryset carries `on_hold`)."""

    def label_from_instance(self, obj: Lot) -> str:
        status = _("Đang tạm giữ") if getattr(obj, "on_hold", False) else obj.get_status_display()
        return f"{obj} ({status})"


class DateInput(forms.DateInput):
    input_type = "date"


class LabTestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=TestKind.choices, initial=TestKind.LABORATORY)
    analyte = forms.ModelChoiceField(label=_("Chỉ tiêu"), queryset=Analyte.objects.all())
    value = VietnameseDecimalField(label=_("Kết quả"), limits=LAB_VALUE, help_text=_("Ví dụ 0,12 hoặc 1.200"))
    unit = forms.CharField(
        label=_("Đơn vị"), max_length=20, required=False, help_text=_("Để trống: đơn vị của chỉ tiêu.")
    )
    passed = forms.ChoiceField(
        label=_("Kết luận (chỉ khi chưa có giới hạn)"),
        choices=[("", "—"), ("true", _("Đạt")), ("false", _("Không đạt"))],
        required=False,
    )
    method = forms.CharField(label=_("Phương pháp"), max_length=120, required=False)
    laboratory = forms.CharField(label=_("Phòng thử nghiệm / đơn vị test nhanh"), max_length=255)
    sample_code = forms.CharField(label=_("Mã mẫu"), max_length=60, required=False)
    sampled_on = forms.DateField(label=_("Ngày lấy mẫu"), widget=DateInput, initial=timezone.localdate)
    result_on = forms.DateField(label=_("Ngày có kết quả"), widget=DateInput, required=False)
    lots = LotsField(
        label=_("Lô liên quan"),
        queryset=with_hold_flag(Lot.objects.select_related("product").exclude(status="recalled")),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    facility = forms.ModelChoiceField(label=_("Cơ sở"), queryset=Facility.objects.all(), required=False)
    growing_area = forms.ModelChoiceField(label=_("Vùng trồng"), queryset=GrowingArea.objects.all(), required=False)
    notes = forms.CharField(label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    document = forms.FileField(label=_("Phiếu kết quả (PDF, ảnh)"), required=False)


class PlanInspectionForm(forms.Form):
    facility = forms.ModelChoiceField(label=_("Cơ sở"), queryset=Facility.objects.select_related("organization"))
    planned_on = forms.DateField(label=_("Ngày dự kiến"), widget=DateInput)
    template = forms.ModelChoiceField(
        label=_("Mẫu biên bản"), queryset=ChecklistTemplate.objects.filter(is_active=True), required=False
    )
    team = forms.CharField(label=_("Đoàn kiểm tra"), max_length=255, required=False)


class RecordInspectionForm(forms.Form):
    inspected_on = forms.DateField(label=_("Ngày kiểm tra"), widget=DateInput, initial=timezone.localdate)
    findings = forms.CharField(label=_("Phát hiện"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    verdict = forms.ChoiceField(label=_("Kết luận"), choices=Verdict.choices)
    follow_up_due = forms.DateField(label=_("Hạn khắc phục (loại B, C)"), widget=DateInput, required=False)
    violations = forms.CharField(
        label=_("Vi phạm (mỗi dòng một vi phạm)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ViolationUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Tình trạng xử lý"), choices=HandlingStatus.choices)
    fine_amount = VietnameseDecimalField(label=_("Số tiền phạt (đồng)"), required=False, limits=FINE_VND)
    note = forms.CharField(label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
