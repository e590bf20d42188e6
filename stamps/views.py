"""QR images: `GET /qr?code=<text>&format=svg|png` (a Digital Link, or any text up to 1024 characters)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from stamps import qr


@require_GET
def qr_image(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "")
    fmt = request.GET.get("format", "svg")
    if not code or len(code) > qr.MAX_CODE_LENGTH or fmt not in ("svg", "png"):
        return JsonResponse(
            {
                "type": "about:blank",
                "title": "Yêu cầu không hợp lệ / Bad request",
                "status": 400,
                "detail": "code: 1–1024 ký tự; format: svg hoặc png / code: 1–1024 characters; format: svg or png",
            },
            status=400,
            content_type="application/problem+json",
        )
    try:
        scale = max(1, min(int(request.GET.get("scale", "8" if fmt == "png" else "4")), 40))
    except ValueError:
        scale = 4
    if fmt == "svg":
        response = HttpResponse(qr.svg(code, scale=scale), content_type="image/svg+xml")
    else:
        response = HttpResponse(qr.png(code, scale=scale), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400, immutable"
    return response
