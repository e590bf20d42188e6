"""Producer self-registration through the web form, and sign-in."""

from __future__ import annotations

from django.contrib.auth.hashers import identify_hasher

from accounts.models import Membership, User
from catalog.models import Organization

FORM = {
    "username": "nongdan1",
    "first_name": "Y Blang",
    "phone": "0905000111",
    "email": "",
    "organization_name": "Hộ Y Blang",
    "organization_kind": "household",
    "tax_code": "0314409058",
    "ward_code": "23500",
    "legacy_district": "Đăk Hà",
    "street_address": "Thôn 3",
    "password1": "Ca-phe-ngon-2026!",
    "password2": "Ca-phe-ngon-2026!",
}


def test_signup_creates_pending_organisation_and_owner(client, db):
    response = client.post("/accounts/signup/", FORM)
    assert response.status_code == 302
    user = User.objects.get(username="nongdan1")
    assert identify_hasher(user.password).algorithm == "argon2"
    org = Organization.objects.get(tax_code="0314409058")
    assert org.status == "pending"
    assert org.ward_code == 23500
    assert Membership.objects.get(user=user).organization == org


def test_signup_with_bad_tax_code_shows_error_and_stores_nothing(client, db):
    response = client.post("/accounts/signup/", {**FORM, "tax_code": "0314409059"})
    assert response.status_code == 400
    assert "Mã số thuế không đúng: kiểm tra lại 10 hoặc 13 chữ số" in response.content.decode()
    assert User.objects.count() == 0
    assert Organization.objects.count() == 0


def test_signup_form_requires_csrf(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/accounts/signup/", FORM)
    assert response.status_code == 403
    assert User.objects.count() == 0


def test_login_page_and_sign_in(client, producer):
    assert client.get("/accounts/login/").status_code == 200
    response = client.post("/accounts/login/", {"username": "producer", "password": "correct-horse-battery-9"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/start/"
    assert client.get("/accounts/start/")["Location"] == "/workspace/"
    assert client.get("/").context["user"] == producer


def test_officer_lands_in_agency_workspace(client, officer):
    client.force_login(officer)
    assert client.get("/accounts/start/")["Location"] == "/oversight/"


def test_consumer_lands_on_home(client, consumer):
    client.force_login(consumer)
    assert client.get("/accounts/start/")["Location"] == "/"
