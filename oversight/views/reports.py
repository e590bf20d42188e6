from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from oversight.views.common import officer_required


@officer_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "oversight/base.html", {"section": "dashboard"})


indicators = reports = dashboard


def report(request: HttpRequest, pk: int) -> HttpResponse:
    return dashboard(request)


def report_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    return dashboard(request)
