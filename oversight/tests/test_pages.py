"""Officer pages: who may open them, and that each renders and acts through its service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.tests.factories import FacilityFactory, GrowingAreaFactory, LotFactory, ProductFactory
from oversight.tests.recall_helpers import start_recall
from quality.models import LabTest
from recalls.models import Recall
from reports.models import ReportJob

PAGES = [
    "oversight:home",
    "oversight:reviews",
    "oversight:review_policies",
    "oversight:lab_tests",
    "oversight:lab_test_new",
    "oversight:max_levels",
    "oversight:inspections",
    "oversight:violations",
    "oversight:recalls",
    "oversight:recall_new",
    "oversight:complaints",
    "oversight:dashboard",
    "oversight:indicators",
    "oversight:reports",
    "oversight:surveys",
]


@pytest.mark.parametrize("name", PAGES)
def test_pages_for_each_actor(client, actors, name):
    url = reverse(name)
    assert client.get(url).status_code == 302  # anonymous → login
    for who in ("consumer", "producer"):
        client.force_login(actors[who])
        assert client.get(url).status_code == 403
    client.force_login(actors["officer"])
    assert client.get(url).status_code == 200


def test_review_tabs_and_decision(client, officer, organization):
    lot = LotFactory(
        product=ProductFactory(organization=organization),
        origin_areas=[GrowingAreaFactory(organization=organization)],
        status="submitted",
    )
    client.force_login(officer)
    for tab in ("lot", "organization", "stamp_batch", "master_data"):
        assert client.get(reverse("oversight:reviews"), {"tab": tab}).status_code == 200
    url = reverse("oversight:review", args=["catalog.lot", lot.pk])
    page = client.get(url)
    assert lot.lot_code in page.content.decode()
    response = client.post(url, {"decision": "rejected", "reason": ""})
    assert response.status_code == 200
    assert "Cần nêu lý do" in response.content.decode()
    response = client.post(url, {"decision": "approved"})
    assert response.status_code == 302
    lot.refresh_from_db()
    assert lot.status == "published"
    assert client.get(reverse("oversight:review", args=["nope.model", "1"])).status_code == 404


def test_lab_test_form_and_recall_flow(client, officer, producer, organization):
    area = GrowingAreaFactory(organization=organization)
    lot = LotFactory(product=ProductFactory(organization=organization), origin_areas=[area], status="published")
    client.force_login(officer)
    response = client.post(
        reverse("oversight:lab_test_new"),
        {"kind": "rapid", "analyte": 2, "value": "", "laboratory": "", "sampled_on": "2026-11-01", "lots": [lot.pk]},
    )
    assert response.status_code == 400
    from quality.models import Analyte

    borax = Analyte.objects.get(code="borax")
    response = client.post(
        reverse("oversight:lab_test_new"),
        {
            "kind": "rapid",
            "analyte": borax.pk,
            "value": "2",
            "laboratory": "Đội test nhanh",
            "sampled_on": "2026-11-01",
            "lots": [lot.pk],
        },
    )
    test = LabTest.objects.get()
    assert response.status_code == 302 and not test.passed
    assert client.get(reverse("oversight:lab_test", args=[test.pk])).status_code == 200
    response = start_recall(client, {"lab_test": test.pk, "reason": "Hàn the", "hazard_class": "I"})
    recall = Recall.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("oversight:recall", args=[recall.pk]))
    assert "<svg" in page.content.decode()
    party = recall.parties.get()
    client.force_login(producer)
    assert client.get(reverse("oversight:recall", args=[recall.pk])).status_code == 200
    client.post(reverse("oversight:recall_ack", args=[party.pk]), {"quantity_withdrawn": "100", "unit": "KGM"})
    party.refresh_from_db()
    assert party.acknowledged_at is not None
    assert client.post(reverse("oversight:recall_close", args=[recall.pk]), {}).status_code == 403
    client.force_login(officer)
    client.post(reverse("oversight:recall_close", args=[recall.pk]), {})
    recall.refresh_from_db()
    assert recall.status == "closed"


def test_inspection_pages(client, officer, organization):
    facility = FacilityFactory(organization=organization)
    client.force_login(officer)
    response = client.post(reverse("oversight:inspections"), {"facility": facility.pk, "planned_on": "2026-12-01"})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200


def test_dashboard_filters_and_report_page(client, officer, django_capture_on_commit_callbacks):
    client.force_login(officer)
    response = client.get(
        reverse("oversight:dashboard"), {"from": "2026-01-01", "to": "bad", "ward": "23425", "category": "coffee"}
    )
    assert response.status_code == 200
    today = timezone.localdate()
    job = ReportJob.objects.create(period_kind="year", year=today.year, issuer="Sở", created_by=officer)
    from reports.services import generate

    generate(job)
    page = client.get(reverse("oversight:report", args=[job.pk]))
    assert "report-done" in page.content.decode()
    download = client.get(reverse("oversight:report_file", args=[job.pk, "pdf"]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert client.get(reverse("oversight:report_file", args=[job.pk, "doc"])).status_code == 404
    assert dt.date.today()
