"""Security headers that Django and django-csp do not send: Permissions-Policy, per page.

The Content-Security-Policy itself comes from django-csp (``CONTENT_SECURITY_POLICY`` in settings), HSTS, the HTTPS
redirect, Referrer-Policy and Cross-Origin-Opener-Policy from Django's ``SecurityMiddleware``. Every browser feature
is off for every page; the few pages that need one get it for this origin only, by URL name, so a page moved to
another path keeps its grant and a new page starts with none.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

# Features no page of the portal uses: off everywhere (``feature=()``).
DENIED_FEATURES = (
    "accelerometer",
    "autoplay",
    "bluetooth",
    "camera",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)

# URL name -> features that page may use, for this origin only (``feature=(self)``).
DEFAULT_GRANTS: dict[str, frozenset[str]] = {
    # the consumer's scanner reads a QR code with the phone camera
    "scan": frozenset({"camera"}),
    # a consumer may share a coarse location from a lot or item page (counterfeit detection)
    "lot": frozenset({"geolocation"}),
    "resolve": frozenset({"geolocation"}),
    "resolve-compressed": frozenset({"geolocation"}),
    # the farm diary: where the work was done, and voice notes
    "workspace:diary": frozenset({"geolocation", "microphone"}),
    # walking round a plot to draw its boundary
    "workspace:area_new": frozenset({"geolocation"}),
    # an officer's field survey records where it was filled in
    "oversight:survey_fill": frozenset({"geolocation"}),
}


def permissions_policy(view_name: str | None) -> str:
    """The Permissions-Policy header value for a page (``None``: no URL matched, e.g. a 404)."""
    grants: dict[str, frozenset[str]] = getattr(settings, "TRUYXUAT_PERMISSIONS_GRANTS", DEFAULT_GRANTS)
    allowed = grants.get(view_name or "", frozenset())
    return ", ".join(f"{feature}=(self)" if feature in allowed else f"{feature}=()" for feature in DENIED_FEATURES)


class PermissionsPolicyMiddleware:
    """Adds ``Permissions-Policy`` to every response that has none yet."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if "Permissions-Policy" not in response:
            match = getattr(request, "resolver_match", None)
            response["Permissions-Policy"] = permissions_policy(match.view_name if match else None)
        return response
