"""Helpers for the file permission matrices (each app's test_file_access.py): who gets 200, who 404."""

from __future__ import annotations

import io
from typing import Any

from django.test import Client
from PIL import Image

from accounts.tests.factories import UserFactory
from catalog.tests.factories import AgencyFactory

ROLES = ("owner", "staff", "other_producer", "officer", "foreign_officer", "anonymous", "admin")


def png(color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), color).save(out, "PNG")
    return out.getvalue()


def plain_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "Giay chung nhan")
    page.showPage()
    page.save()
    return out.getvalue()


def users(producer: Any, producer_staff: Any, other_producer: Any, officer: Any) -> dict[str, Any]:
    """The matrix's rows: the owning organisation's owner and staff, another producer, an officer of the
    province, an officer of an agency of another province, nobody, and a platform admin."""
    foreign = UserFactory(username="foreign-officer", agency=AgencyFactory(province_code=62))
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    return {
        "owner": producer,
        "staff": producer_staff,
        "other_producer": other_producer,
        "officer": officer,
        "foreign_officer": foreign,
        "anonymous": None,
        "admin": admin,
    }


def statuses(people: dict[str, Any], url: str, client_class: type[Client] = Client) -> dict[str, int]:
    """The status each person gets for GET url: a fresh client each (pass the `client` fixture's class, whose
    force_login also passes an officer's second factor), signed in when a user."""
    seen = {}
    for role, user in people.items():
        client = client_class()
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        seen[role] = response.status_code
        if response.status_code == 200:
            assert b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return seen


def expect(allowed: set[str]) -> dict[str, int]:
    return {role: 200 if role in allowed else 404 for role in ROLES}
