"""Complaints (consumer feedback routed to the producer and the agency)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from oversight.views.common import officer_required


def complaint_counts(officer: Any) -> dict[str, int]:
    return {"open": 0, "overdue": 0}


@officer_required
def complaints(request: HttpRequest) -> HttpResponse:
    return render(request, "oversight/complaints/list.html", {"section": "complaints"})
