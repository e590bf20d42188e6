"""HEAD wherever GET works (RFC 9110 §9.3.2; the GS1-Conformant resolver standard asks for it on every Digital Link).

Views guarded by `require_GET`, django-ninja's GET operations and plain views that test `request.method == "GET"`
answered HEAD with 405. Rather than change every view, this middleware (outermost but for the security headers)
runs a HEAD request as the GET it stands for and sends the GET's status and headers, `Content-Length` included,
without the body. A view that must not act on HEAD (a scan counted on the item page) reads the method as sent in
`request.META["REQUEST_METHOD"]`; `is_head(request)` says so.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

__all__ = ["HeadAsGetMiddleware", "is_head"]


def is_head(request: HttpRequest) -> bool:
    """Whether the client sent HEAD (the view then runs as GET)."""
    return request.META.get("REQUEST_METHOD", "").upper() == "HEAD"


class HeadAsGetMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            request.method = "HEAD"
        if isinstance(response, StreamingHttpResponse):
            # the original iterator stays registered to be closed when the server closes the response
            response.streaming_content = iter(())
            return response
        if not response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        length = response["Content-Length"]
        response.content = b""
        response["Content-Length"] = length
        return response
