"""Inspections and violations: plan, record with checklist and photos, follow-up, handling; permissions."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.tests.factories import FacilityFactory
from core.errors import Forbidden
from notifications.models import Notification
from quality import selectors, services
from quality.models import Inspection, InspectionPhoto, Violation

ACTORS = ["anonymous", "consumer", "other_producer", "producer", "officer"]


def _photo():
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buf, format="JPEG")
    return SimpleUploadedFile("a.jpg", buf.getvalue(), content_type="image/jpeg")


@pytest.fixture
def facility(organization):
    return FacilityFactory(organization=organization, kind="farm")


@pytest.mark.parametrize("name", ACTORS)
def test_plan_inspection_permission_matrix(actors, facility, name):
    if name == "officer":
        inspection = services.plan_inspection(actor=actors[name], facility=facility, planned_on="2026-12-01")
        assert inspection.template.facility_kind == "farm"
        assert len(inspection.checklist) == 6
    else:
        with pytest.raises(Forbidden):
            services.plan_inspection(actor=actors[name], facility=facility, planned_on="2026-12-01")
        assert Inspection.objects.count() == 0


def test_record_inspection_with_violation_photo_and_follow_up(officer, facility, organization):
    inspection = services.plan_inspection(actor=officer, facility=facility, planned_on="2026-11-01")
    checklist = [dict(row, result="ok") for row in inspection.checklist]
    checklist[2]["result"] = "not_ok"
    with pytest.raises(ValidationError) as info:
        services.record_inspection(
            actor=officer, inspection=inspection, data={"verdict": "C", "inspected_on": dt.date(2026, 11, 1)}
        )
    assert "follow_up_due" in info.value.message_dict
    services.record_inspection(
        actor=officer,
        inspection=inspection,
        data={
            "verdict": "C",
            "inspected_on": dt.date(2026, 11, 1),
            "follow_up_due": dt.date(2026, 11, 15),
            "checklist": checklist,
            "findings": "Kho thuốc BVTV không khoá",
            "violations": ["Sử dụng thuốc ngoài danh mục"],
        },
        photos=[_photo()],
    )
    inspection.refresh_from_db()
    assert inspection.status == "done"
    assert inspection.checklist[2]["result"] == "not_ok"
    assert InspectionPhoto.objects.filter(inspection=inspection).count() == 1
    violation = Violation.objects.get()
    assert violation.inspection == inspection and violation.deadline == dt.date(2026, 11, 15)
    assert list(selectors.overdue_follow_ups(officer, today=dt.date(2026, 11, 16))) == [inspection]
    assert Notification.objects.filter(organization=organization, kind="inspection").count() == 2
    services.confirm_follow_up(actor=officer, inspection=inspection)
    assert list(selectors.overdue_follow_ups(officer, today=dt.date(2026, 11, 16))) == []


def test_photo_must_be_an_image(officer, facility):
    inspection = services.plan_inspection(actor=officer, facility=facility, planned_on="2026-11-01")
    fake = SimpleUploadedFile("a.jpg", b"MZ not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError):
        services.record_inspection(actor=officer, inspection=inspection, data={"verdict": "A"}, photos=[fake])
    inspection.refresh_from_db()
    assert inspection.status == "planned"


@pytest.mark.parametrize("name", ACTORS)
def test_violation_handling_permission_matrix(actors, organization, name):
    violation = Violation.objects.create(organization=organization, description="x", found_on=dt.date(2026, 11, 1))
    if name == "officer":
        with pytest.raises(ValidationError):
            services.update_violation(actor=actors[name], violation=violation, status="penalised")
        services.update_violation(
            actor=actors[name], violation=violation, status="penalised", fine_amount="5000000", note="QĐ 12/QĐ-XPHC"
        )
        services.update_violation(actor=actors[name], violation=violation, status="resolved")
        violation.refresh_from_db()
        assert violation.status == "resolved" and violation.closed_at and violation.fine_amount == 5000000
        assert "QĐ 12/QĐ-XPHC" in violation.handling_note
    else:
        with pytest.raises(Forbidden):
            services.update_violation(actor=actors[name], violation=violation, status="handling")
        violation.refresh_from_db()
        assert violation.status == "open"
