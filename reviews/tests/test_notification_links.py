"""Every link in a notification opens for its recipient (issue 16 item 4: a producer's link to a lab-test notice
answered 403). Each kind of notification is made by the real service that sends it, then every notification's
link is opened by a member of the organisation it went to (an officer for an agency), or by the officer it went to:
200 for each."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from catalog.models import PriorityCategory
from catalog.tests.factories import CertificateFactory, FacilityFactory, GrowingAreaFactory, LotFactory, ProductFactory
from complaints import services as complaint_services
from diary.tests.factories import days_ago, farm
from logistics import services as logistics_services
from notifications.choices import NotificationKind
from notifications.models import Notification
from quality import services as quality_services
from recalls import services as recall_services
from reviews import services as review_services
from workflows import publication


@pytest.fixture
def everything(
    organization, other_organization, agency, producer, other_producer, officer, django_capture_on_commit_callbacks
):
    """One notification (at least) of every kind, each from the service that sends it."""
    with django_capture_on_commit_callbacks(execute=True):
        # review: a lot approved
        lot = LotFactory(
            product=ProductFactory(organization=organization),
            origin_areas=[GrowingAreaFactory(organization=organization)],
            status="submitted",
        )
        review_services.approve(actor=officer, subject=lot)
        # review queue: a lot submitted, told to the officer whose department covers it (issue 25)
        waiting = LotFactory(
            product=ProductFactory(organization=organization),
            origin_areas=[GrowingAreaFactory(organization=organization)],
        )
        publication.submit_lot(actor=producer, lot=waiting)
        # lab test: a failed nitrate result holds a published lot of vegetables
        area = GrowingAreaFactory(organization=organization)
        greens = ProductFactory(organization=organization, category=PriorityCategory.objects.get(code="vegetables"))
        held = LotFactory(product=greens, origin_areas=[area], status="published")
        quality_services.record_lab_test(
            actor=officer,
            data={
                "kind": "laboratory",
                "analyte": "nitrate",
                "value": "812.5",
                "laboratory": "Trung tâm Kỹ thuật TĐC 3",
                "sampled_on": dt.date(2026, 11, 2),
            },
            lots=[held],  # type: ignore[list-item]
        )
        # inspection: planned, then concluded
        inspection = quality_services.plan_inspection(
            actor=officer, facility=FacilityFactory(organization=organization), planned_on="2026-11-01"
        )
        quality_services.record_inspection(
            actor=officer,
            inspection=inspection,
            data={
                "verdict": "B",
                "inspected_on": dt.date(2026, 11, 1),
                "follow_up_due": dt.date(2026, 11, 15),
                "findings": "Sổ nhật ký ghi thiếu ngày phun thuốc",
            },
        )
        # recall: a published lot recalled
        recall_services.start_recall(
            actor=officer,
            lot=LotFactory(product=ProductFactory(organization=organization), status="published"),
            reason="Nhãn ghi sai hạn sử dụng",
        )
        # complaint: to the producer and the agency, then escalated when overdue
        sold = LotFactory(product=ProductFactory(organization=organization), status="published")
        complaint_services.submit_feedback(
            actor=None,
            product=sold.product,
            lot=sold,
            address="203.0.113.9",
            data={"kind": "complaint", "message": "Cà phê có mùi mốc", "contact_name": "Chị Lan"},
        )
        complaint_services.escalate_overdue(timezone.now() + dt.timedelta(days=6))
        # other: a shipment to another organisation, a certificate about to expire
        coffee_area, coffee = farm(organization)
        harvested = logistics_services.harvest(
            actor=producer,
            organization=organization,
            data={"product": coffee, "growing_area": coffee_area, "quantity": "500", "harvested_at": days_ago(2)},
        )
        logistics_services.create_shipment(
            actor=producer,
            organization=organization,
            data={"receiver": other_organization.tax_code, "lines": [{"lot": harvested, "quantity": "200"}]},
        )
        CertificateFactory(organization=organization, valid_to=timezone.localdate() + dt.timedelta(days=30))
        call_command("certificate_reminders", stdout=io.StringIO())
    return {organization.pk: producer, other_organization.pk: other_producer, agency.pk: officer}


def test_every_kind_is_made(everything):
    assert set(Notification.objects.values_list("kind", flat=True)) == set(NotificationKind.values)


def test_every_link_opens_for_its_recipient(client, everything):
    notes = list(Notification.objects.exclude(link="").order_by("pk"))
    assert {n.kind for n in notes} == set(NotificationKind.values)  # every kind carries a link
    seen = {}
    for note in notes:
        client.force_login(everything[note.organization_id] if note.organization_id else note.user)
        response = client.get(note.link)
        seen[(note.kind, note.link)] = response.status_code
    assert seen == {key: 200 for key in seen}


def test_the_producers_lab_test_page_shows_the_result_and_the_held_lot(client, everything, producer, organization):
    note = Notification.objects.get(kind="lab_test", organization=organization)
    client.force_login(producer)
    page = client.get(note.link).content.decode()
    assert "Không đạt" in page and "812,5" in page and "Trung tâm Kỹ thuật TĐC 3" in page
    assert "Đang tạm giữ" in page


def test_a_lab_test_page_is_not_found_for_another_producer(client, everything, other_producer, organization):
    for kind in ("lab_test", "inspection"):
        note = Notification.objects.filter(kind=kind, organization=organization).first()
        client.force_login(other_producer)
        assert client.get(note.link).status_code == 404
    assert reverse("workspace:lab_test", args=[1]).startswith("/workspace/")
