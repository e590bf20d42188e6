"""Error pages in Vietnamese (English in English mode) on the base template: 400, 403, 404 and 500.

Named by `handler400` … `handler500` in `truyxuat/urls.py`. The 500 page is rendered without the request (so no
context processor, no session and no database query runs: the fault may be the database) and, should even that
fail, answered with a fixed bilingual page.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import requires_csrf_token

FALLBACK_500 = (
    '<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" '
    'content="width=device-width, initial-scale=1"><title>Lỗi máy chủ / Server error</title></head><body>'
    "<h1>Hệ thống đang gặp sự cố</h1><p>Xin lỗi, trang này tạm thời không mở được. Vui lòng thử lại sau ít phút.</p>"
    '<p lang="en">Sorry, this page cannot be shown right now. Please try again in a few minutes.</p>'
    '<p><a href="/">Trang chủ / Home</a></p></body></html>'
)


def _page(request: HttpRequest, template: str, status: int) -> HttpResponse:
    response = render(request, template, {"status": status, "path": request.path}, status=status)
    response["Cache-Control"] = "no-store"
    return response


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "400.html", 400)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "403.html", 403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        body = loader.get_template("500.html").render({"status": 500})
    except Exception:  # the page that says something is broken must not break
        body = FALLBACK_500
    response = HttpResponseServerError(body)
    response["Cache-Control"] = "no-store"
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """`CSRF_FAILURE_VIEW`: a form kept open too long (a phone left on a page, a session that ended) says so in
    words and how to go on, instead of Django's English "CSRF verification failed"."""
    referer = request.META.get("HTTP_REFERER", "")
    safe = url_has_allowed_host_and_scheme(referer, {request.get_host()}, require_https=request.is_secure())
    response = render(request, "403_csrf.html", {"status": 403, "back": referer if safe else "/"}, status=403)
    response["Cache-Control"] = "no-store"
    return response
