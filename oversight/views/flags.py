"""Harvests beyond the plausible yield ("sản lượng bất thường"): what the farmer confirmed, with the figures."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from logistics.selectors import yield_flags
from oversight.views.common import officer_required, paginate, querystring


@officer_required
def yields(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "oversight/quality/yield_flags.html",
        {"section": "inspections", "page": paginate(request, yield_flags(request.user)), "qs": querystring(request)},
    )
