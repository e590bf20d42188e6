"""The officer's complaint pages (issue 16 item 5): the complainant's contact on request, each view audited; the
overdue queue, oldest first, with escalation per case by officers of the province only; counterfeit reports in
the same queue with their kind labelled."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from catalog.tests.factories import AgencyFactory, LotFactory, ProductFactory
from complaints import services
from complaints.models import ComplaintCase
from core.errors import Forbidden
from core.models import AuditEntry
from feedback import services as feedback_services
from feedback.models import Feedback
from notifications.models import Notification

ACTORS = ["anonymous", "consumer", "other_producer", "producer", "officer"]


def _submit(organization, message, *, kind="complaint", contact_name="", contact=""):
    lot = LotFactory(product=ProductFactory(organization=organization), status="published")
    return services.submit_feedback(
        actor=None,
        product=lot.product,
        lot=lot,
        address="203.0.113.9",
        data={"kind": kind, "message": message, "contact_name": contact_name, "contact": contact},
    )


@pytest.fixture
def case(organization, agency, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        fb = _submit(organization, "Cà phê có mùi mốc", contact_name="Nguyễn Thị Lan", contact="0905 123 456")
    return ComplaintCase.objects.get(feedback=fb)


def _overdue(case, days):
    ComplaintCase.objects.filter(pk=case.pk).update(response_due=timezone.now() - dt.timedelta(days=days))
    case.refresh_from_db()
    return case


def _contact_views():
    return AuditEntry.objects.filter(action="view", object_type="complaints.complaintcase")


def test_contact_is_shown_on_request_and_each_view_is_audited(client, officer, case):
    client.force_login(officer)
    url = reverse("oversight:complaint", args=[case.pk])
    page = client.get(url).content.decode()
    assert "Nguyễn Thị Lan" not in page and "0905 123 456" not in page
    assert 'id="show-contact"' in page
    assert _contact_views().count() == 0
    for n in (1, 2):
        response = client.post(url, {"action": "contact"})
        assert response.status_code == 200
        page = response.content.decode()
        assert re.search(r'id="contact-name">Nguyễn Thị Lan<', page)
        assert '<a href="tel:0905 123 456">0905 123 456</a>' in page
        assert re.search(r'id="contact-email">—<', page)
        assert _contact_views().count() == n
    entry = _contact_views().latest("id")
    assert entry.actor == officer
    assert entry.object_id == str(case.pk)
    assert entry.after == {"viewed": "contact", "feedback": case.feedback.tracking_code}
    assert entry.reason == "Xem thông tin liên hệ của người phản ánh"


def test_an_email_contact_is_shown_as_email(officer, organization, agency, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        fb = _submit(organization, "Bao bì rách", contact="lan@example.vn")
    shown = services.view_contact(actor=officer, case=fb.case)
    assert shown == {"name": "", "email": "lan@example.vn", "phone": ""}


def test_no_contact_no_button(client, officer, organization, agency, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        fb = _submit(organization, "Không để lại liên hệ")
    client.force_login(officer)
    page = client.get(reverse("oversight:complaint", args=[fb.case.pk])).content.decode()
    assert "Người gửi không để lại thông tin liên hệ." in page
    assert 'id="show-contact"' not in page


@pytest.mark.parametrize("name", ACTORS)
def test_contact_permission_matrix(actors, case, name):
    if name == "officer":
        assert services.view_contact(actor=actors[name], case=case)["phone"] == "0905 123 456"
        assert _contact_views().count() == 1
    else:
        with pytest.raises(Forbidden):
            services.view_contact(actor=actors[name], case=case)
        assert _contact_views().count() == 0


def test_officer_of_another_province_sees_no_contact(client, case):
    outsider = UserFactory(username="officer-hn", agency=AgencyFactory(province_code=1))
    with pytest.raises(Forbidden):
        services.view_contact(actor=outsider, case=case)
    client.force_login(outsider)
    response = client.post(reverse("oversight:complaint", args=[case.pk]), {"action": "contact"})
    assert response.status_code == 403
    assert "0905 123 456" not in response.content.decode()
    assert _contact_views().count() == 0


def test_overdue_queue_oldest_first_with_escalate(
    client, officer, organization, agency, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = [_submit(organization, text) for text in ("Quá hạn 1 ngày", "Quá hạn 3 ngày", "Còn hạn")]
    younger, older, on_time = (ComplaintCase.objects.get(feedback=fb) for fb in sent)
    _overdue(younger, 1)
    _overdue(older, 3)
    client.force_login(officer)
    page = client.get(reverse("oversight:complaints")).content.decode()
    queue = re.search(r'<section class="card" id="overdue-queue">(.*?)</section>', page, re.S).group(1)
    codes = re.findall(r"PA-[A-Z0-9]{4}-[A-Z0-9]{4}", queue)
    assert codes == [older.feedback.tracking_code, younger.feedback.tracking_code]
    assert on_time.feedback.tracking_code not in queue
    assert queue.count("Chuyển cấp</button>") == 2
    assert Notification.objects.filter(title__startswith="Quá hạn").count() == 0  # nothing escalated by a GET
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("oversight:complaint_escalate", args=[older.pk]), {"next": "/oversight/phan-anh/"}
        )
    assert response.status_code == 302 and response["Location"] == "/oversight/phan-anh/"
    older.refresh_from_db()
    assert older.escalated_at is not None
    titles = Notification.objects.filter(title=f"Quá hạn trả lời phản ánh {older.feedback.tracking_code}")
    assert sorted(titles.values_list("organization_id", flat=True)) == sorted([organization.pk, agency.pk])
    entry = AuditEntry.objects.get(object_type="complaints.complaintcase", object_id=str(older.pk), action="update")
    assert entry.actor == officer and entry.reason == "Chuyển cấp phản ánh quá hạn"
    page = client.get(reverse("oversight:complaints")).content.decode()
    queue = re.search(r'<section class="card" id="overdue-queue">(.*?)</section>', page, re.S).group(1)
    assert queue.count("Chuyển cấp</button>") == 1
    assert "đã chuyển cấp" in queue
    # escalated once: the cron command leaves it alone and escalates the other
    call_command("complaints", "escalate", stdout=io.StringIO())
    assert titles.count() == 2
    younger.refresh_from_db()
    assert younger.escalated_at is not None


def test_escalate_refuses_what_is_not_overdue_or_already_escalated(officer, case):
    with pytest.raises(ValidationError):
        services.escalate(actor=officer, case=case)
    _overdue(case, 2)
    services.escalate(actor=officer, case=case)
    with pytest.raises(ValidationError):
        services.escalate(actor=officer, case=case)
    feedback_services.answer_feedback(actor=officer, feedback=case.feedback, body="Đã xử lý")
    assert ComplaintCase.objects.get(pk=case.pk).escalated_at is not None


@pytest.mark.parametrize("name", [*ACTORS, "foreign_officer"])
def test_escalate_permission_matrix(client, actors, case, name):
    _overdue(case, 2)
    actor = actors.get(name) or UserFactory(username="officer-hn", agency=AgencyFactory(province_code=1))
    before = (AuditEntry.objects.count(), Notification.objects.count())
    if name == "officer":
        services.escalate(actor=actor, case=case)
        case.refresh_from_db()
        assert case.escalated_at is not None
    else:
        with pytest.raises(Forbidden):
            services.escalate(actor=actor, case=case)
        case.refresh_from_db()
        assert case.escalated_at is None
        assert (AuditEntry.objects.count(), Notification.objects.count()) == before
        if name != "anonymous":
            client.force_login(actor)
            response = client.post(reverse("oversight:complaint_escalate", args=[case.pk]))
            assert response.status_code == 403
            case.refresh_from_db()
            assert case.escalated_at is None


def test_counterfeit_reports_are_in_the_same_queue_labelled(
    client, officer, organization, agency, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reported = _submit(organization, "Tem dán lệch, mã không quét được", kind="counterfeit")
        _submit(organization, "Cà phê có sạn")
    fake = ComplaintCase.objects.get(feedback=reported)
    client.force_login(officer)
    page = client.get(reverse("oversight:complaints")).content.decode()
    rows = re.search(r'<table class="wide" id="cases">(.*?)</table>', page, re.S).group(1)
    assert fake.feedback.tracking_code in rows
    assert '<span class="badge bad kind-counterfeit">Nghi hàng giả, hàng nhái</span>' in rows
    assert rows.count("kind-counterfeit") == 1
    assert "counterfeit<" not in rows and ">counterfeit" not in rows
    assert fake.response_due - fake.feedback.created_at == dt.timedelta(days=2)


def test_counterfeit_report_of_an_unknown_code_is_named_by_its_code(client, officer, agency):
    fb = Feedback.objects.create(
        tracking_code="PA-ABCD-EFGH",
        kind="counterfeit",
        organization=agency,
        product=None,
        code="8930000999990",
        message="Mã lạ trên bao bì",
        address_hash="x" * 32,
    )
    case = services.route(fb)
    client.force_login(officer)
    page = client.get(reverse("oversight:complaints")).content.decode()
    assert "Mã chưa đăng ký" in page and "8930000999990" in page
    detail = client.get(reverse("oversight:complaint", args=[case.pk]))
    assert detail.status_code == 200
    assert "8930000999990" in detail.content.decode()
