"""Errors that services raise and that views and the API turn into messages or RFC 7807 problems."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

__all__ = ["Forbidden", "NotFound", "PermissionDenied", "Throttled", "ValidationError"]


class Forbidden(PermissionDenied):
    """The acting user may not do this for that organisation."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or str(_("Bạn không có quyền thực hiện thao tác này.")))


class NotFound(Exception):
    """The record does not exist or is not visible to the caller."""


class Throttled(Exception):
    """Too many requests from one network address (or against one code) recently: try again later. One class for
    every such limit (feedback and counterfeit reports, stamp checks, product watches); the pages answer 429."""
