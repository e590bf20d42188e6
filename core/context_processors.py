"""Template context shared by every page."""

from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict:
    return {"PORTAL_URL": settings.TRUYXUAT_PORTAL_URL}
