"""What an agency told the organisation, read where its members work: a lab test's result and an inspection's
conclusion (the notifications about them link here; the officers' pages of the same records are theirs only).

Read-only. Members of the tested or inspected organisation see them; any other member gets 404, as for the files
(a refusal confirms nothing). Officers read the same records on their own pages.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts import permissions
from catalog.models import Organization
from quality.choices import ChecklistResult
from quality.models import Inspection, LabTest
from workspace.views.common import member_view


def _readable(request: HttpRequest, organization: Organization) -> None:
    if not permissions.is_member(request.user, organization):
        raise Http404


@member_view
def lab_test(request: HttpRequest, pk: int) -> HttpResponse:
    test = get_object_or_404(
        LabTest.objects.select_related("analyte", "organization", "facility", "growing_area"), pk=pk
    )
    _readable(request, test.organization)
    holds = test.holds.select_related("lot__product").order_by("held_at")  # type: ignore[attr-defined]
    return render(
        request,
        "workspace/notices/lab_test.html",
        {"nav": "lots", "test": test, "lots": test.lots.select_related("product"), "holds": holds},
    )


@member_view
def inspection(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Inspection.objects.select_related("facility", "organization", "agency"), pk=pk)
    _readable(request, item.organization)
    results = dict(ChecklistResult.choices)
    rows = [
        {
            "item": r.get("item", ""),
            "result": results.get(r.get("result", ""), ""),
            "bad": r.get("result") == "not_ok",
            "note": r.get("note", ""),
        }
        for r in item.checklist or []
        if isinstance(r, dict)
    ]
    return render(
        request,
        "workspace/notices/inspection.html",
        {"nav": "profile", "item": item, "rows": rows, "violations": item.violations.order_by("deadline", "pk")},
    )
