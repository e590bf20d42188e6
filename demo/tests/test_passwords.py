"""`truyxuat check --deploy` refuses the demo's passwords on a non-demo node; the demo refuses a real database."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError

from accounts.models import User
from accounts.tests.factories import UserFactory
from catalog.models import Organization
from catalog.tests.factories import OrganizationFactory
from core.models import AuditEntry
from demo.checks import demo_passwords
from demo.data import USERS


def test_demo_password_is_an_error_unless_demo_node(db, settings):
    settings.TRUYXUAT_DEMO = False
    UserFactory(username="producer")  # not the demo's password
    assert demo_passwords() == []
    UserFactory(username="canbo.skhcn", password="truyxuat-canbo-2026")
    UserFactory(username="renamed-admin", is_superuser=True, password="truyxuat-admin-2026")
    UserFactory(username="htx.caphe", password="truyxuat-htx-2026", is_active=False)  # inactive: cannot sign in
    errors = demo_passwords()
    assert [(e.id, e.msg.split(" dùng")[0]) for e in errors] == [
        ("accounts.E001", "Tài khoản 'canbo.skhcn'"),
        ("accounts.E001", "Tài khoản 'renamed-admin'"),
    ]
    settings.TRUYXUAT_DEMO = True
    assert demo_passwords() == []


def test_check_deploy_command_fails_on_demo_passwords(db, settings):
    settings.TRUYXUAT_DEMO = False
    UserFactory(username="admin", is_superuser=True, password="truyxuat-admin-2026")
    with pytest.raises(SystemCheckError, match=r"accounts\.E001"):
        call_command("check", "--deploy", "--tag", "security", stdout=io.StringIO(), stderr=io.StringIO())


def test_demo_refuses_a_database_with_other_organisations(db):
    real = OrganizationFactory(name="HTX Thật")
    counts = (Organization.objects.count(), User.objects.count(), AuditEntry.objects.count())
    with pytest.raises(CommandError, match="not the demo's") as refused:
        call_command("demo", stdout=io.StringIO())
    assert f"HTX Thật ({real.tax_code})" in str(refused.value)
    assert (Organization.objects.count(), User.objects.count(), AuditEntry.objects.count()) == counts
    assert not User.objects.filter(username__in=[u[0] for u in USERS]).exists()


def test_demo_loads_twice_and_prints_the_enrolment_note(db, settings):
    settings.TRUYXUAT_DEMO = True
    out = io.StringIO()
    call_command("demo", stdout=out)
    again = io.StringIO()
    call_command("demo", stdout=again)
    assert "0 bản ghi mới" in again.getvalue()
    assert "lần đăng nhập đầu sẽ quét mã QR" in again.getvalue()
