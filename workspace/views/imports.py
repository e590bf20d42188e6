"""Import pages: download a template, upload, preview with row errors, then write all or nothing."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from workspace import imports
from workspace.views.common import member_view

KINDS = ("diary", "lots")


@member_view
def imports_page(request: HttpRequest) -> HttpResponse:
    org = request.org  # type: ignore[attr-defined]
    context: dict[str, object] = {"nav": "profile", "kinds": KINDS}
    status = 200
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind not in KINDS:
            raise Http404
        try:
            if request.POST.get("step") == "commit":
                rows = json.loads(request.POST.get("rows", "[]"))
                if not isinstance(rows, list) or len(rows) > imports.MAX_ROWS:
                    raise ValidationError(_("Dữ liệu xem trước không hợp lệ; tải tệp lên lại."))
                report = imports.commit(actor=request.user, organization=org, kind=kind, rows=rows)
                if report.errors:
                    messages.error(request, _("Không ghi dòng nào vì còn lỗi."))
                    status = 400
                else:
                    messages.success(
                        request,
                        ngettext("Đã ghi %(n)s dòng.", "Đã ghi %(n)s dòng.", report.written) % {"n": report.written},
                    )
                context["report"] = report
                context["committed"] = not report.errors
            else:
                upload = request.FILES.get("file")
                if upload is None:
                    raise ValidationError(_("Chọn tệp Excel hoặc CSV."))
                rows = imports.read_rows(kind, upload.name or "", upload.read(imports.MAX_BYTES + 1))
                report = imports.preview(actor=request.user, organization=org, kind=kind, rows=rows)
                context["report"] = report
                context["rows_json"] = json.dumps(rows, ensure_ascii=False)
                status = 200 if report.ok else 400
        except (ValidationError, ValueError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            status = 400
        context["kind"] = kind
    return render(request, "workspace/imports.html", context, status=status)


@member_view
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    response = HttpResponse(
        imports.template(kind), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="mau-{kind}.xlsx"'
    return response
