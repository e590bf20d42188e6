"""Second factor (TOTP) for agency officers and platform admins, through the real sign-in pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import reset_second_factor
from accounts.tests.factories import UserFactory
from conftest import totp_code, totp_device
from core.errors import Forbidden
from core.models import AuditEntry

PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def web():
    """A plain test client: sessions come only from the sign-in pages (no force_login shortcut)."""
    return Client()


def _password(web, username, next_path="/oversight/"):
    response = web.post("/accounts/login/", {"username": username, "password": PASSWORD, "next": next_path})
    assert response.status_code == 302
    return response


def test_producer_and_consumer_are_not_asked(web, producer, consumer):
    assert _password(web, "producer", "/workspace/")["Location"] == "/workspace/"
    assert web.get("/workspace/").status_code == 200
    web.post("/accounts/logout/")
    _password(web, "consumer", "/")
    assert web.get("/").status_code == 200


def test_officer_without_device_enrols_then_reaches_oversight(web, officer, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    _password(web, "officer")
    held = web.get("/oversight/")
    assert held.status_code == 302
    assert held["Location"] == "/accounts/xac-thuc/dang-ky/?next=%2Foversight%2F"
    page = web.get(held["Location"])
    text = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert 'src="data:image/svg+xml;base64,' in text
    device = TOTPDevice.objects.get(user=officer)
    assert device.confirmed is False
    secret = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', text).group(1)
    assert len(secret.replace(" ", "")) == 32  # 20-byte key in base32
    wrong = web.post(held["Location"], {"code": "000000" if totp_code(device) != "000000" else "111111"})
    assert wrong.status_code == 400
    assert "Mã xác thực không đúng" in wrong.content.decode()
    assert web.get("/oversight/").status_code == 302
    done = web.post(held["Location"], {"code": totp_code(device)})
    assert done.status_code == 302 and done["Location"] == "/oversight/"
    device.refresh_from_db()
    assert device.confirmed is True
    assert web.get("/oversight/").status_code == 200
    assert AuditEntry.objects.filter(object_type="otp_totp.totpdevice", object_id=str(device.pk)).count() == 1
    # the key is never shown again: the enrolment page now sends the verified officer on
    assert web.get("/accounts/xac-thuc/dang-ky/").status_code == 302


def test_officer_with_device_must_enter_code_before_officer_pages_and_api(web, officer):
    device = totp_device(officer)
    _password(web, "officer")
    held = web.get("/oversight/")
    assert held["Location"] == "/accounts/xac-thuc/?next=%2Foversight%2F"
    api = web.get("/api/v1/oversight/reviews/queue")
    assert api.status_code == 403 and api["Content-Type"] == "application/problem+json"
    assert web.get("/admin/").status_code == 302
    assert web.get("/accounts/xac-thuc/").status_code == 200
    done = web.post("/accounts/xac-thuc/", {"code": totp_code(device), "next": "/oversight/"})
    assert done.status_code == 302 and done["Location"] == "/oversight/"
    assert web.get("/oversight/").status_code == 200
    assert web.get("/api/v1/oversight/reviews/queue").status_code == 200


def test_admin_needs_code_for_admin_site(web, db):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    device = totp_device(admin)
    response = web.post("/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    assert web.get("/admin/")["Location"] == "/accounts/xac-thuc/?next=%2Fadmin%2F"
    web.post("/accounts/xac-thuc/", {"code": totp_code(device), "next": "/admin/"})
    assert web.get("/admin/").status_code == 200


def test_wrong_codes_are_throttled_and_a_code_is_not_accepted_twice(web, officer, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 600  # ten minutes after the first wrong code: no race with the clock
    device = totp_device(officer)
    right = totp_code(device)
    _password(web, "officer")
    wrong = web.post("/accounts/xac-thuc/", {"code": "000000" if right != "000000" else "111111"})
    assert wrong.status_code == 400
    refused = web.post("/accounts/xac-thuc/", {"code": right})
    assert refused.status_code == 429
    assert "thử lại sau" in refused.content.decode()
    assert web.get("/oversight/").status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # the wait over (as if ten minutes had passed), the right code works once, and not a second time
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None, throttling_failure_count=0)
    assert web.post("/accounts/xac-thuc/", {"code": right})["Location"] == "/accounts/start/"
    other = Client()
    _password(other, "officer")
    assert other.post("/accounts/xac-thuc/", {"code": right}).status_code == 400


def test_platform_admin_resets_an_officers_device_officer_cannot(officer, db):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    totp_device(officer)
    with pytest.raises(Forbidden):
        reset_second_factor(actor=UserFactory(username="officer2", agency=officer.agency), user=officer)
    assert TOTPDevice.objects.filter(user=officer).count() == 1
    assert reset_second_factor(actor=admin, user=officer, reason="Mất điện thoại") == 1
    assert TOTPDevice.objects.filter(user=officer).count() == 0
    entry = AuditEntry.objects.get(object_type="accounts.user", object_id=str(officer.pk), action="revoke")
    assert (entry.actor, entry.before, entry.after, entry.reason) == (
        admin,
        {"totp_devices": 1},
        {"totp_devices": 0},
        "Mất điện thoại",
    )


def test_force_login_helper_makes_a_verified_session(client, officer):
    client.force_login(officer)
    assert client.get("/oversight/").status_code == 200
    assert TOTPDevice.objects.get(user=officer).confirmed is True
