"""Facility surveys filled in by officers on a phone; each response feeds the catalogue."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from oversight.views.common import error_messages, officer_required, paginate, querystring
from surveys import services
from surveys.models import SurveyForm, SurveyResponse


@officer_required
def surveys(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "oversight/surveys/list.html",
        {
            "section": "surveys",
            "forms": SurveyForm.objects.filter(is_active=True),
            "page": paginate(request, SurveyResponse.objects.select_related("form", "organization", "officer")),
            "qs": querystring(request),
        },
    )


@officer_required
def fill(request: HttpRequest, form_id: int) -> HttpResponse:
    form = get_object_or_404(SurveyForm, pk=form_id, is_active=True)
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    if request.method == "POST":
        try:
            response = services.submit_response(
                actor=request.user,
                form=form,
                answers={f["name"]: request.POST.get(f["name"]) for f in form.fields},
                latitude=request.POST.get("latitude"),
                longitude=request.POST.get("longitude"),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                errors = exc.message_dict
            else:
                general = error_messages(exc)
        else:
            note = (
                _("Đã lưu phiếu; tổ chức mới đang chờ duyệt trong hàng chờ phê duyệt.")
                if response.created_organization
                else _("Đã lưu phiếu.")
            )
            messages.success(request, note)
            return redirect("oversight:survey_response", response.pk)
    fields = [dict(f, value=request.POST.get(f["name"], ""), errors=errors.get(f["name"], [])) for f in form.fields]
    return render(
        request,
        "oversight/surveys/fill.html",
        {"section": "surveys", "form": form, "fields": fields, "general": general + errors.get("latitude", [])},
        status=400 if errors or general else 200,
    )


def _shown(field: dict[str, Any], value: Any) -> Any:
    """A choice answer by its label ("Hộ sản xuất, kinh doanh"), never the stored code ("household")."""
    labels = {c[0]: c[1] for c in field.get("choices", []) if isinstance(c, list | tuple) and len(c) == 2}
    return labels.get(value, value) if isinstance(value, str) else value


@officer_required
def response(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(SurveyResponse.objects.select_related("form", "organization", "facility"), pk=pk)
    rows = [(f["label"], _shown(f, item.answers.get(f["name"]))) for f in item.form.fields]
    return render(request, "oversight/surveys/response.html", {"section": "surveys", "item": item, "rows": rows})
