"""The diary pages: quick entry (works offline as a progressive web app) and the history."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from catalog.choices import QuantityUnit
from catalog.models import GrowingArea
from diary import selectors, services
from diary.activities import ACTIVITY_SPECS
from diary.choices import Activity
from workflows import chain
from workspace.views.common import error_status, member_view, page_of, run

SW_VERSION = "ws-v2"  # a new version makes phones fetch the changed diary.js (static files are cache-first)


def _form_id(sent: str) -> str:
    """The client id of the no-script form: the one it was sent with when shown again with errors, else a new one."""
    try:
        return str(uuid.UUID(sent))
    except ValueError:
        return str(uuid.uuid4())


@member_view
def diary(request: HttpRequest) -> HttpResponse:
    """Quick entry. Without JavaScript the form posts here; with it, entries go to the API (or the offline queue)."""
    org = request.org  # type: ignore[attr-defined]
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = request.POST.dict()
        _entry, errors = run(
            request,
            lambda: chain.record_entry(
                actor=request.user,
                organization=org,
                data=data,
                photo=request.FILES.get("photo"),
                voice=request.FILES.get("voice"),
            ),
            _("Đã lưu nhật ký."),
        )
        if not errors:
            return redirect("workspace:diary")
    areas = selectors.areas_with_templates(org)
    waiting = []
    for area in GrowingArea.objects.filter(organization=org):
        for entry, safe in selectors.waiting_periods(area):
            waiting.append((area, entry, safe))
    context = {
        "nav": "diary",
        "areas": areas,
        "defaults": selectors.defaults_for(org),
        "recent": selectors.entries_for(org)[:10],
        "waiting": waiting,
        "errors": errors,
        "units": QuantityUnit.choices,
        "activities": Activity.choices,
        "post": request.POST if errors else {},
        # One id per opened form, so a double tap on "Lưu" stores one entry (the script makes its own per form).
        "client_id": _form_id(request.POST.get("client_id", "") if errors else ""),
        "checks": {"messages": services.field_messages(), "max_days": services.MAX_WAIT_DAYS},
        "specs": {
            code: {"fields": list(spec.fields), "required": list(spec.required)}
            for code, spec in ACTIVITY_SPECS.items()
        },
    }
    return render(request, "workspace/diary.html", context, status=error_status(errors))


@member_view
def diary_history(request: HttpRequest) -> HttpResponse:
    org = request.org  # type: ignore[attr-defined]
    qs = selectors.entries_for(org)
    area = request.GET.get("area")
    if area and area.isdigit():
        qs = qs.filter(growing_area_id=int(area))
    context = {"nav": "diary", "page": page_of(request, qs), "areas": GrowingArea.objects.filter(organization=org)}
    return render(request, "workspace/diary_history.html", context)


@never_cache
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served under /workspace/ so it controls the workspace pages."""
    shell = [
        reverse("workspace:diary"),
        static("workspace/ws.css"),
        static("workspace/diary.js"),
        static("truyxuat/site.css"),
        static("vendor/htmx-2.0.4/htmx.min.js"),
    ]
    body = render(request, "workspace/sw.js", {"version": SW_VERSION, "shell": shell, "debug": settings.DEBUG})
    response = HttpResponse(body.content, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/workspace/"
    return response


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    body = render(request, "workspace/manifest.webmanifest", {})
    return HttpResponse(body.content, content_type="application/manifest+json; charset=utf-8")
