"""The agency API: session of an officer only; decisions, lab tests, recalls, reports; problems on errors."""

from __future__ import annotations

import pytest
from django.utils import timezone

from catalog.tests.factories import GrowingAreaFactory, LotFactory, ProductFactory


@pytest.fixture
def lot(organization):
    return LotFactory(
        product=ProductFactory(organization=organization),
        origin_areas=[GrowingAreaFactory(organization=organization)],
        status="submitted",
    )


@pytest.mark.parametrize("who", ["consumer", "producer"])
def test_only_officers(client, actors, who, lot):
    assert client.get("/api/v1/oversight/reviews/queue").status_code == 401
    client.force_login(actors[who])
    response = client.get("/api/v1/oversight/reviews/queue")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_decision_lab_test_recall_report(client, officer, lot, django_capture_on_commit_callbacks):
    client.force_login(officer)
    assert client.get("/api/v1/oversight/reviews/queue").json()["counts"]["lot"] == 1
    url = f"/api/v1/oversight/reviews/catalog.lot/{lot.pk}/decision"
    bad = client.post(url, {"decision": "rejected"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "reason"
    ok = client.post(url, {"decision": "approved"}, content_type="application/json")
    assert ok.status_code == 201 and ok.json()["decision"] == "approved"
    assert (
        client.post(
            "/api/v1/oversight/reviews/catalog.lot/999999/decision",
            {"decision": "approved"},
            content_type="application/json",
        ).status_code
        == 404
    )
    test = client.post(
        "/api/v1/oversight/lab-tests",
        {
            "analyte": "borax",
            "value": "1.2",
            "laboratory": "Test nhanh",
            "sampled_on": "2026-11-01",
            "kind": "rapid",
            "lot_ids": [lot.pk],
        },
        content_type="application/json",
    )
    assert test.status_code == 201 and test.json()["passed"] is False and test.json()["held_lots"] == [lot.pk]
    recall = client.post(
        "/api/v1/oversight/recalls",
        {"reason": "Hàn the", "lab_test_id": test.json()["id"]},
        content_type="application/json",
    )
    assert recall.status_code == 201
    body = client.get(f"/api/v1/oversight/recalls/{recall.json()['id']}").json()
    assert body["lots"][0]["lot_id"] == lot.pk
    with django_capture_on_commit_callbacks(execute=False):
        job = client.post(
            "/api/v1/oversight/reports",
            {"period_kind": "year", "year": timezone.localdate().year},
            content_type="application/json",
        )
    assert job.status_code == 202 and job.json()["status"] == "queued"
    from reports.models import ReportJob
    from reports.services import generate

    generate(ReportJob.objects.get(pk=job.json()["id"]))
    done = client.get(f"/api/v1/oversight/reports/{job.json()['id']}").json()
    assert done["status"] == "done" and done["figures"]["recalls"]["started"] == 1
    dash = client.get("/api/v1/oversight/dashboard", {"category": "coffee"}).json()
    assert dash["lab_tests"]["failed"] == 1
