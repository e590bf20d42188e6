"""Login throttling (django-axes through accounts.lockout): per account, per address, the lockout page."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory

from accounts.lockout import client_ip
from accounts.tests.factories import UserFactory

PASSWORD = "correct-horse-battery-9"


def _login(client, username, password, *, ip="10.0.0.1", path="/accounts/login/", **extra):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_account_locked_after_limit_then_right_password_refused(client, producer, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert _login(client, "producer", "wrong-password").status_code == 200  # the form with its error
    fifth = _login(client, "producer", "wrong-password")
    assert fifth.status_code == 429
    refused = _login(client, "producer", PASSWORD)
    assert refused.status_code == 429
    assert not _signed_in(client)
    # from another address too: the account itself is locked
    assert _login(client, "producer", PASSWORD, ip="10.9.9.9").status_code == 429
    assert not _signed_in(client)


def test_other_account_from_same_address_has_its_own_limit(client, producer, consumer):
    for _ in range(5):
        _login(client, "producer", "wrong-password")
    assert _login(client, "producer", PASSWORD).status_code == 429
    for _ in range(4):
        assert _login(client, "consumer", "wrong-password").status_code == 200
    assert _login(client, "consumer", "wrong-password").status_code == 429
    assert _login(client, "consumer", PASSWORD).status_code == 429
    assert not _signed_in(client)


def test_address_locked_after_its_own_limit(client, producer, consumer, settings):
    settings.TRUYXUAT_LOGIN_ADDRESS_FAILURE_LIMIT = 8
    for name in ("producer", "consumer"):
        for _ in range(4):
            _login(client, name, "wrong-password")  # 4 each: no account is at its limit
    third = UserFactory(username="third")
    assert _login(client, "third", PASSWORD).status_code == 429  # the address has 8 failures
    assert not _signed_in(client)
    assert _login(client, "third", PASSWORD, ip="10.0.0.2").status_code == 302
    assert client.session["_auth_user_id"] == str(third.pk)


def test_success_resets_the_account_count_only(client, producer, consumer):
    for _ in range(4):
        _login(client, "producer", "wrong-password")
    assert _login(client, "producer", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        assert _login(client, "producer", "wrong-password").status_code == 200  # counting from zero again
    # another account signing in from the same address does not clear the producer's failures
    assert _login(client, "consumer", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    assert _login(client, "producer", "wrong-password").status_code == 429
    assert AccessAttempt.objects.filter(username="consumer").count() == 0


def test_lockout_page_in_vietnamese_and_english_keeps_the_form(client, producer):
    for _ in range(5):
        response = _login(client, "producer", "wrong-password")
    text = response.content.decode()
    assert response.status_code == 429
    assert "tạm bị khoá đăng nhập trong 15 phút" in text
    assert "Sở Khoa học và Công nghệ" in text
    assert 'name="csrfmiddlewaretoken"' in text and 'name="password"' in text
    english = _login(client, "producer", PASSWORD, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "temporarily locked for 15 minutes" in english
    assert "Department of Science and Technology" in english


def test_admin_login_is_throttled_too(client, db):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    for _ in range(4):
        assert _login(client, "root", "wrong-password", path="/admin/login/").status_code == 200
    assert _login(client, "root", "wrong-password", path="/admin/login/").status_code == 429
    assert _login(client, "root", PASSWORD, path="/admin/login/").status_code == 429
    assert not _signed_in(client)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.2.3.4", "10.0.0.1"),  # no proxy trusted: the header is the client's own words
        (1, "1.2.3.4", "1.2.3.4"),
        (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # the client's forged entry on the left is ignored
        (2, "6.6.6.6, 1.2.3.4, 10.1.1.1", "1.2.3.4"),
        (2, "1.2.3.4", "10.0.0.1"),  # fewer entries than proxies: not through our proxies
    ],
)
def test_client_address_behind_trusted_proxies(settings, proxies, forwarded, expected):
    settings.TRUYXUAT_TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
