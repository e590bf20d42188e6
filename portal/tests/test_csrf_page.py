"""A form posted without its CSRF token (a page left open too long) answers a Vietnamese 403 with a way back,
not Django's English "CSRF verification failed"; the way back is never another site."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_csrf_failure_in_words_with_a_way_back():
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/accounts/login/", {"username": "x", "password": "y"}, HTTP_REFERER="http://testserver/accounts/login/"
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert "Chưa gửi được biểu mẫu" in html
    assert "CSRF verification failed" not in html
    assert 'href="http://testserver/accounts/login/"' in html
    assert response["Cache-Control"] == "no-store"


def test_the_way_back_stays_on_this_site():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {}, HTTP_REFERER="https://evil.example/phish")
    html = response.content.decode()
    assert "evil.example" not in html
    assert '<a class="button" href="/">' in html


def test_in_english_mode():
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = "en"
    response = client.post("/accounts/login/", {})
    assert "The form was not sent" in response.content.decode()
