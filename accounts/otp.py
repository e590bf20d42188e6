"""Second factor (TOTP, django-otp) for agency officers and platform admins.

After the password, such a person's session is only half signed in until a code from their authenticator app is
checked (django-otp's `login` marks the session verified): the SecondFactorMiddleware sends every other page to
the enrolment page (no confirmed device yet) or the code page, and answers API calls with a 403 problem.
Producers and consumers are not asked.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import segno
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import permissions
from core.problems import problem

# Paths a half-signed-in officer may still reach: the sign-in pages themselves, static files, language switch.
OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/ngon-ngu/", "/healthz", "/readyz")
API_PREFIXES = ("/api/", "/epcis/")


def needs_second_factor(user: Any) -> bool:
    """Agency officers (of any agency) and platform admins or staff sign in with a second factor."""
    if not permissions.is_authenticated(user) or getattr(user, "pk", None) is None:
        return False
    return bool(user.is_superuser or user.is_staff or user.agency_id is not None)


def is_verified(user: Any) -> bool:
    return bool(getattr(user, "is_verified", lambda: False)())


def has_confirmed_device(user: Any) -> bool:
    return user_has_device(user, confirmed=True)


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("id").first()


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URI of the device as an SVG QR image (a data: URI: nothing is fetched from elsewhere)."""
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def secret_text(device: TOTPDevice) -> str:
    """The device's key in base32 groups of four, for typing into an app that cannot scan."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


class SecondFactorMiddleware:
    """Holds a half-signed-in officer or admin at the code (or enrolment) page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        path = request.path_info
        if needs_second_factor(user) and not is_verified(user) and not path.startswith(OPEN_PREFIXES):
            if path.startswith(API_PREFIXES) or "json" in request.headers.get("Accept", ""):
                return problem(
                    403,
                    "Cần mã xác thực hai lớp / Second factor required",
                    "Nhập mã từ ứng dụng xác thực tại /accounts/xac-thuc/ trước khi dùng trang cơ quan. / "
                    "Enter the code from your authenticator app at /accounts/xac-thuc/ first.",
                )
            target = "accounts:two-factor" if has_confirmed_device(user) else "accounts:two-factor-enrol"
            response = redirect(target)
            response["Location"] += "?" + urlencode({"next": request.get_full_path()})
            return response
        return self.get_response(request)
