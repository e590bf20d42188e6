"""Who reads quality files (quality.file_access through core.files): 200 for exactly these, 404 for the rest."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile

from catalog.tests.factories import FacilityFactory
from core import files
from core.tests.filematrix import expect, plain_pdf, png, statuses, users
from quality.models import Analyte, Inspection, InspectionPhoto, LabTest

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(producer, producer_staff, other_producer, officer):
    return users(producer, producer_staff, other_producer, officer)


def test_lab_test_report(client, people, organization, officer):
    test = LabTest.objects.create(
        kind="laboratory",
        analyte=Analyte.objects.get(code="nitrate"),
        value=420,
        unit="mg/kg",
        passed=True,
        laboratory="Trung tâm Kỹ thuật TĐC 3",
        sampled_on=dt.date(2026, 11, 2),
        organization=organization,
        document=ContentFile(plain_pdf(), name="phieu-ket-qua.pdf"),
    )
    url = files.url(test.document)
    assert statuses(people, url, type(client)) == expect({"owner", "staff", "officer", "admin"})
    client.force_login(officer)
    page = client.get(f"/oversight/kiem-nghiem/{test.pk}/").content.decode()
    assert f'href="{url}"' in page


def test_inspection_photo_is_for_officers(client, people, organization, agency, officer):
    inspection = Inspection.objects.create(
        facility=FacilityFactory(organization=organization),
        organization=organization,
        agency=agency,
        planned_on=dt.date(2026, 11, 2),
        status="done",  # the page shows photos with the recorded result
        verdict="A",
    )
    photo = InspectionPhoto.objects.create(inspection=inspection, image=ContentFile(png(), name="kho.png"))
    url = files.url(photo.image)
    assert statuses(people, url, type(client)) == expect({"officer", "admin"})
    client.force_login(officer)
    assert f'src="{url}"' in client.get(f"/oversight/kiem-tra/{inspection.pk}/").content.decode()
