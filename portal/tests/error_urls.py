"""The project's URLs plus views that fail on purpose, for the error-page tests (ROOT_URLCONF in those tests)."""

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from truyxuat.urls import handler400, handler403, handler404, handler500
from truyxuat.urls import urlpatterns as project_urls


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a fault the page must not show")


def denied(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def bad(request: HttpRequest) -> HttpResponse:
    raise BadRequest


urlpatterns = [
    path("test-errors/500", boom),
    path("test-errors/403", denied),
    path("test-errors/400", bad),
    *project_urls,
]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
