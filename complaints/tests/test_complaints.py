"""Complaints: routed to the producer and the agency, deadline, escalation once, links; permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from catalog.tests.factories import FacilityFactory, LotFactory, ProductFactory
from complaints import selectors, services
from complaints.models import ComplaintCase
from core.errors import Forbidden
from feedback import services as feedback_services
from notifications.models import Notification
from quality.services import plan_inspection

ACTORS = ["anonymous", "consumer", "other_producer", "producer", "officer"]


@pytest.fixture
def complaint(organization, agency, django_capture_on_commit_callbacks):
    lot = LotFactory(product=ProductFactory(organization=organization), status="published")
    with django_capture_on_commit_callbacks(execute=True):
        return services.submit_feedback(
            actor=None,
            product=lot.product,
            lot=lot,
            address="203.0.113.9",
            data={"kind": "complaint", "message": "Cà phê có mùi mốc"},
        )


def test_new_complaint_is_routed_with_a_deadline(complaint, organization, agency):
    case = ComplaintCase.objects.get(feedback=complaint)
    assert case.agency == agency
    assert case.response_due - complaint.created_at == dt.timedelta(days=5)
    assert Notification.objects.filter(organization=organization, kind="complaint").count() == 1
    assert Notification.objects.filter(organization=agency, kind="complaint").count() == 1
    assert services.route(complaint) == case  # idempotent


def test_escalation_happens_once_and_only_when_unanswered(complaint, organization, agency, producer):
    later = timezone.now() + dt.timedelta(days=6)
    assert services.escalate_overdue(timezone.now()) == 0
    assert services.escalate_overdue(later) == 1
    assert services.escalate_overdue(later) == 0
    case = ComplaintCase.objects.get()
    assert case.escalated_at == later
    assert Notification.objects.filter(organization=agency, title__startswith="Quá hạn").count() == 1
    feedback_services.answer_feedback(actor=producer, feedback=complaint, body="Chúng tôi đã đổi hàng")
    assert selectors.overdue_cases(None).count() == 0


@pytest.mark.parametrize("name", ACTORS)
def test_link_permission_matrix(actors, complaint, organization, officer, name):
    inspection = plan_inspection(
        actor=officer, facility=FacilityFactory(organization=organization), planned_on="2026-12-01"
    )
    case = ComplaintCase.objects.get()
    if name == "officer":
        services.link_case(actor=actors[name], case=case, inspection=inspection)
        case.refresh_from_db()
        assert case.inspection == inspection
        with pytest.raises(ValidationError):
            services.link_case(actor=actors[name], case=case)
    else:
        with pytest.raises(Forbidden):
            services.link_case(actor=actors[name], case=case, inspection=inspection)
        case.refresh_from_db()
        assert case.inspection is None


def test_officer_pages(client, officer, complaint):
    client.force_login(officer)
    assert complaint.tracking_code in client.get(reverse("oversight:complaints")).content.decode()
    case = ComplaintCase.objects.get()
    url = reverse("oversight:complaint", args=[case.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"action": "answer", "body": "Đã chuyển đoàn kiểm tra"})
    complaint.refresh_from_db()
    assert complaint.status == "answered"
