"""The officer's page of login lockouts: see them, lift one with confirmation (audited); producers cannot."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.test import Client

from accounts.tests.factories import UserFactory
from catalog.tests.factories import AgencyFactory, OrganizationFactory
from core.models import AuditEntry


def _lock(username, ip="10.0.0.1"):
    web = Client()
    for _ in range(5):
        response = web.post("/accounts/login/", {"username": username, "password": "wrong"}, REMOTE_ADDR=ip)
    assert response.status_code == 429


def test_officer_sees_and_lifts_a_lockout(client, officer, producer):
    _lock("producer")
    client.force_login(officer)
    page = client.get("/oversight/dang-nhap/")
    assert page.status_code == 200
    assert [(i["kind"], i["key"], i["failures"]) for i in page.context["lockouts"]] == [("account", "producer", 5)]
    confirm = client.get("/oversight/dang-nhap/mo-khoa/", {"kind": "account", "key": "producer"})
    assert confirm.status_code == 200 and "Mở khoá đăng nhập cho tài khoản producer?" in confirm.content.decode()
    assert AccessAttempt.objects.filter(username="producer").exists()  # a GET changes nothing
    done = client.post("/oversight/dang-nhap/mo-khoa/", {"kind": "account", "key": "producer", "reason": "Đã gọi lại"})
    assert done.status_code == 302
    assert not AccessAttempt.objects.filter(username="producer").exists()
    entry = AuditEntry.objects.get(object_type="axes.accessattempt")
    assert (entry.actor, entry.action, entry.before, entry.reason) == (
        officer,
        "delete",
        {"kind": "account", "key": "producer", "failures": 5},
        "Đã gọi lại",
    )
    web = Client()
    response = web.post("/accounts/login/", {"username": "producer", "password": "correct-horse-battery-9"})
    assert response.status_code == 302


def test_producer_cannot_see_or_unlock(client, producer, other_producer):
    _lock("other")
    client.force_login(producer)
    assert client.get("/oversight/dang-nhap/").status_code == 403
    response = client.post("/oversight/dang-nhap/mo-khoa/", {"kind": "account", "key": "other"})
    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username="other").count() == 1
    assert not AuditEntry.objects.filter(object_type="axes.accessattempt").exists()


def test_officer_unlocks_accounts_of_own_province_only(settings, db):
    from accounts.lockout import can_unlock

    here = OrganizationFactory(province_code=settings.TRUYXUAT_PROVINCE_CODE)
    elsewhere = OrganizationFactory(province_code=1)
    for name, org in (("farmer", here), ("stranger", elsewhere)):
        org.memberships.create(user=UserFactory(username=name), role="owner")
        _lock(name)
    officer = UserFactory(username="near", agency=AgencyFactory(province_code=settings.TRUYXUAT_PROVINCE_CODE))
    admin = UserFactory(username="root", is_superuser=True)
    assert [can_unlock(officer, "account", n) for n in ("farmer", "stranger")] == [True, False]
    assert [can_unlock(admin, "account", n) for n in ("farmer", "stranger")] == [True, True]
    assert can_unlock(officer, "address", "10.0.0.1") is True


def test_admin_resets_second_factor_with_confirmation(client, officer):
    from conftest import totp_device

    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    totp_device(officer)
    client.force_login(officer)
    assert client.get("/oversight/dang-nhap/dat-lai-xac-thuc/").status_code == 403
    client.force_login(admin)
    ask = client.get("/oversight/dang-nhap/dat-lai-xac-thuc/", {"username": "officer"})
    assert ask.status_code == 200 and ask.context["target"] == officer
    assert officer.totpdevice_set.count() == 1
    done = client.post("/oversight/dang-nhap/dat-lai-xac-thuc/", {"username": "officer", "confirm": "1"})
    assert done.status_code == 302
    assert officer.totpdevice_set.count() == 0
    assert AuditEntry.objects.filter(object_type="accounts.user", object_id=str(officer.pk), action="revoke").exists()
