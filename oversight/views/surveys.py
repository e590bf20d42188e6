from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from oversight.views.common import officer_required


@officer_required
def surveys(request: HttpRequest) -> HttpResponse:
    return render(request, "oversight/base.html", {"section": "surveys"})


def fill(request: HttpRequest, form_id: int) -> HttpResponse:
    return surveys(request)


def response(request: HttpRequest, pk: int) -> HttpResponse:
    return surveys(request)
