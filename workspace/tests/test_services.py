"""Every workspace service (member accounts, spreadsheet imports): its effect, and who may or may not call it
(the root conftest's actors, the organisation's staff, an officer of another province, a platform admin); a
refused call changes nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from accounts.models import Membership
from accounts.tests.factories import UserFactory
from catalog.tests.factories import AgencyFactory, GrowingAreaFactory
from core.errors import Forbidden, ValidationError
from core.models import AuditEntry
from diary.models import DiaryEntry
from diary.tests.factories import days_ago
from workspace import imports
from workspace.services import create_member_account

ACTORS = ["anonymous", "consumer", "other_producer", "producer", "staff", "officer", "foreign_officer", "admin"]
PASSWORD = "cà-phê-Đăk-Hà-2026"


@pytest.fixture
def people(actors, producer_staff):
    return {
        **actors,
        "staff": producer_staff,
        "foreign_officer": UserFactory(username="foreign", agency=AgencyFactory(province_code=1)),
        "admin": UserFactory(username="admin", is_superuser=True, is_staff=True),
    }


def _state():
    return (
        AuditEntry.objects.count(),
        get_user_model().objects.count(),
        Membership.objects.count(),
        DiaryEntry.objects.count(),
    )


@pytest.mark.parametrize("name", ACTORS)
def test_create_member_account(people, organization, name):
    before = _state()
    data = {"username": "con-gai", "password": PASSWORD, "first_name": "Lan", "phone": "0912345678"}
    if name in {"producer", "admin"}:
        membership = create_member_account(actor=people[name], organization=organization, data=data, role="staff")
        user = membership.user
        assert (user.username, user.first_name, user.phone, membership.role) == (
            "con-gai",
            "Lan",
            "0912345678",
            "staff",
        )
        assert user.check_password(PASSWORD) and user.password != PASSWORD
        assert membership.organization == organization
        assert list(AuditEntry.objects.order_by("pk").values_list("object_type", "actor", "organization_id")) == [
            ("accounts.user", people[name].pk, organization.pk),
            ("accounts.membership", people[name].pk, organization.pk),
        ]
    else:
        with pytest.raises(Forbidden):
            create_member_account(actor=people[name], organization=organization, data=data)
        assert _state() == before


def test_an_existing_person_is_added_by_username(producer, consumer, organization):
    membership = create_member_account(actor=producer, organization=organization, data={"username": "consumer"})
    assert (membership.user, membership.role) == (consumer, "staff")
    assert list(AuditEntry.objects.values_list("object_type", flat=True)) == ["accounts.membership"]
    with pytest.raises(ValidationError) as twice:
        create_member_account(actor=producer, organization=organization, data={"username": "consumer"})
    assert twice.value.message_dict == {"user": ["Người này đã là thành viên."]}


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"username": "  "}, {"username": ["Cần nhập tên đăng nhập."]}),
        ({"username": "chua-co"}, {"username": ["Chưa có tài khoản này; nhập mật khẩu để tạo mới."]}),
        ({"username": "yeu", "password": "123"}, {"password"}),
    ],
)
def test_bad_input_is_refused_and_nothing_written(producer, organization, data, errors):
    before = _state()
    with pytest.raises(ValidationError) as refused:
        create_member_account(actor=producer, organization=organization, data=data)
    got = refused.value.message_dict
    assert (set(got) if isinstance(errors, set) else got) == errors
    assert _state() == before


def test_a_bad_role_leaves_no_account_behind(producer, organization):
    before = _state()
    with pytest.raises(ValidationError) as refused:
        create_member_account(
            actor=producer, organization=organization, data={"username": "x", "password": PASSWORD}, role="boss"
        )
    assert refused.value.message_dict == {"role": ["Vai trò không hợp lệ."]}
    assert _state() == before


@pytest.fixture
def area(organization):
    return GrowingAreaFactory(organization=organization, code="VT-51-DHA-0101")


def _rows(area):
    return [
        {"growing_area_code": area.code, "activity": "Tưới nước", "date": str(days_ago(2).date())},
        {"growing_area_code": area.code, "activity": "weeding", "date": str(days_ago(1).date())},
    ]


@pytest.mark.parametrize("name", ACTORS)
def test_import_preview_and_commit(people, organization, area, name):
    before = _state()
    if name in {"producer", "staff", "admin"}:
        report = imports.preview(actor=people[name], organization=organization, kind="diary", rows=_rows(area))
        assert (report.ok, report.errors, report.written) == (True, [], 0)
        assert _state() == before
        report = imports.commit(actor=people[name], organization=organization, kind="diary", rows=_rows(area))
        assert (report.ok, report.written) == (True, 2)
        assert sorted(DiaryEntry.objects.values_list("activity", flat=True)) == ["irrigating", "weeding"]
    else:
        for service in (imports.preview, imports.commit):
            with pytest.raises(Forbidden):
                service(actor=people[name], organization=organization, kind="diary", rows=_rows(area))
        assert _state() == before


def test_import_commit_is_all_or_nothing(producer, organization, area):
    rows = [*_rows(area), {"growing_area_code": "VT-NOPE", "activity": "weeding", "date": str(days_ago(1).date())}]
    report = imports.commit(actor=producer, organization=organization, kind="diary", rows=rows)
    assert (report.ok, report.written, report.errors) == (False, 0, [(4, "Không có vùng trồng mã VT-NOPE.")])
    assert (DiaryEntry.objects.count(), AuditEntry.objects.count()) == (0, 0)
