"""Password recovery: by e-mail (Django's reset views, Vietnamese pages and mail) and with a one-time code issued
by the organisation's owner or an officer of its province (permission matrix, shown once, hashed, 24 hours, one
use, audited, counted by django-axes like sign-in)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Membership, PasswordResetCode
from accounts.reset_codes import issue_reset_code, reset_password_with_code
from accounts.tests.factories import UserFactory
from catalog.tests.factories import AgencyFactory
from core.errors import Forbidden
from core.models import AuditEntry
from core.tests.jobs import run_jobs

pytestmark = pytest.mark.django_db
NEW = "Mat-khau-moi-2026!"
CODE_PATH = "/accounts/quen-mat-khau/ma/"
ISSUE_PATH = "/accounts/ma-dat-lai/"


@pytest.fixture
def farmer(organization):
    """A staff member without e-mail: the person who forgets a password."""
    user = UserFactory(username="nongdan", email="")
    Membership.objects.create(user=user, organization=organization, role="staff")
    return user


def _code_from(page: str) -> str:
    return re.search(r'id="reset-code"[^>]*>(\d{4} \d{4})<', page).group(1)


def test_login_page_leads_to_both_ways(client):
    login = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/quen-mat-khau/"' in login and "Quên mật khẩu?" in login
    page = client.get("/accounts/quen-mat-khau/").content.decode()
    assert "Thư điện tử đã đăng ký" in page
    assert 'href="/accounts/quen-mat-khau/ma/"' in page


def test_reset_by_email_end_to_end(client, producer, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    producer.email = "chu.htx@example.vn"
    producer.save()
    response = client.post("/accounts/quen-mat-khau/", {"email": "chu.htx@example.vn"})
    assert (response.status_code, response["Location"]) == (302, "/accounts/quen-mat-khau/da-gui/")
    assert mail.outbox == [] and run_jobs() == 1  # the e-mail is a job (`truyxuat worker` sends it)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["chu.htx@example.vn"]
    assert message.subject.startswith("Đặt lại mật khẩu / Password reset")
    assert "Có người (có thể là bạn) vừa yêu cầu đặt lại mật khẩu" in message.body
    assert "Someone (perhaps you) asked to reset the password" in message.body
    link = re.search(r"http://testserver(/accounts/dat-lai/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert "Mật khẩu mới" in form.content.decode()
    short = client.post(form.redirect_chain[-1][0], {"new_password1": "abc", "new_password2": "abc"})
    text = short.content.decode()
    assert short.status_code == 200 and "Mật khẩu quá ngắn: cần ít nhất 10 ký tự." in text
    assert 'class="form-errors"' in text and 'href="#id_new_password2"' in text
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == "/accounts/dat-lai/xong/"
    producer.refresh_from_db()
    assert producer.check_password(NEW)
    assert "Đường dẫn đặt lại mật khẩu không còn dùng được" in client.get(link, follow=True).content.decode()


def test_unknown_email_sends_nothing_and_says_the_same(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post("/accounts/quen-mat-khau/", {"email": "khong.co@example.vn"})
    assert response["Location"] == "/accounts/quen-mat-khau/da-gui/"
    assert run_jobs() == 0 and mail.outbox == []


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("owner", True), ("officer", True), ("officer_elsewhere", False), ("member", False), ("stranger", False)],
)
def test_who_may_issue_a_code(who, allowed, farmer, producer, producer_staff, officer, other_producer):
    elsewhere = UserFactory(username="canbo_tinh_khac", agency=AgencyFactory(province_code=1))
    actor = {
        "owner": producer,
        "officer": officer,
        "officer_elsewhere": elsewhere,
        "member": producer_staff,
        "stranger": other_producer,
    }[who]
    if allowed:
        row, plain = issue_reset_code(actor=actor, user=farmer)
        assert re.fullmatch(r"\d{8}", plain)
        assert plain not in row.code_hash and row.code_hash.startswith("argon2")
        assert abs(row.expires_at - row.created_at - dt.timedelta(hours=24)) < dt.timedelta(seconds=5)
        entry = AuditEntry.objects.get(object_type="accounts.passwordresetcode")
        assert plain not in str(entry.after) and entry.after["username"] == "nongdan"
    else:
        with pytest.raises(Forbidden):
            issue_reset_code(actor=actor, user=farmer)
        assert PasswordResetCode.objects.count() == 0


def test_nobody_issues_a_code_for_an_officer_or_an_admin_but_the_admin(producer, officer):
    admin = UserFactory(username="quantri", is_superuser=True)
    with pytest.raises(Forbidden):
        issue_reset_code(actor=officer, user=UserFactory(username="canbo2", agency=officer.agency))
    with pytest.raises(Forbidden):
        issue_reset_code(actor=admin, user=UserFactory(username="quantri2", is_superuser=True))
    assert issue_reset_code(actor=admin, user=officer)[0].user == officer


def test_owner_issues_through_the_page_and_the_farmer_resets_with_it(client, producer, farmer):
    client.force_login(producer)
    response = client.post(ISSUE_PATH, {"username": "nongdan"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    code = _code_from(response.content.decode())
    assert "Mã chỉ hiện một lần" in response.content.decode()
    refused = client.post(ISSUE_PATH, {"username": "khongco"})
    assert refused.status_code == 400 and "Không cấp được mã cho tài khoản này" in refused.content.decode()
    client.logout()
    page = client.post(CODE_PATH, {"username": "nongdan", "code": code, "new_password1": NEW, "new_password2": NEW})
    assert page["Location"] == "/accounts/login/"
    farmer.refresh_from_db()
    assert farmer.check_password(NEW)
    row = PasswordResetCode.objects.get()
    assert row.used_at is not None
    assert AuditEntry.objects.filter(object_type="accounts.passwordresetcode", action="update").count() == 1
    # used once: the same code again is refused
    again = client.post(CODE_PATH, {"username": "nongdan", "code": code, "new_password1": NEW, "new_password2": NEW})
    assert again.status_code == 400 and "mã đã dùng hay đã hết hạn" in again.content.decode()


def test_a_code_expires_after_24_hours_and_a_new_one_cancels_the_old(producer, farmer):
    row, plain = issue_reset_code(actor=producer, user=farmer)
    PasswordResetCode.objects.filter(pk=row.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(Exception, match="hết hạn"):
        reset_password_with_code(username="nongdan", code=plain, password=NEW)
    old, _first = issue_reset_code(actor=producer, user=farmer)
    _new, second = issue_reset_code(actor=producer, user=farmer)
    old.refresh_from_db()
    assert old.revoked_at is not None
    assert reset_password_with_code(username="nongdan", code=second, password=NEW) == farmer
    farmer.refresh_from_db()
    assert farmer.check_password(NEW)


def test_a_weak_password_keeps_the_code_and_says_why_in_vietnamese(client, producer, farmer):
    _row, plain = issue_reset_code(actor=producer, user=farmer)
    data = {"username": "nongdan", "code": plain, "new_password1": "12345", "new_password2": "12345"}
    page = client.post(CODE_PATH, data)
    text = page.content.decode()
    assert page.status_code == 400
    assert "Mật khẩu quá ngắn: cần ít nhất 10 ký tự." in text and "Mật khẩu này hoàn toàn là số." in text
    assert "This password" not in text
    assert PasswordResetCode.objects.get().used_at is None


def test_wrong_codes_lock_like_sign_in(client, producer, farmer, settings):
    _row, plain = issue_reset_code(actor=producer, user=farmer)
    wrong = "00000000" if plain != "00000000" else "11111111"
    data = {"username": "nongdan", "code": wrong, "new_password1": NEW, "new_password2": NEW}
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(CODE_PATH, data).status_code == 400
    assert client.post(CODE_PATH, data).status_code == 429
    right = {**data, "code": plain}
    assert client.post(CODE_PATH, right).status_code == 429  # locked: even the right code waits
    farmer.refresh_from_db()
    assert not farmer.check_password(NEW)
    assert client.post("/accounts/login/", {"username": "nongdan", "password": "x"}).status_code == 429


def test_an_unverified_officer_is_sent_to_the_code_step_first(client, officer):
    from django.contrib.auth import SESSION_KEY
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(officer)  # verified by the test client: drop the second factor from the session
    session = client.session
    del session[DEVICE_ID_SESSION_KEY]
    session.save()
    assert SESSION_KEY in client.session
    response = client.get(ISSUE_PATH)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/xac-thuc/")
