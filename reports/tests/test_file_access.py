"""Who reads periodic report files (reports.file_access through core.files, and the report page's download):
agency officers of the province and platform admins; 404 for everyone else."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from core import files
from core.tests.filematrix import expect, plain_pdf, statuses, users
from reports.file_access import XLSX
from reports.models import ReportJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def job():
    return ReportJob.objects.create(
        period_kind="quarter",
        year=2026,
        number=1,
        issuer="Sở Khoa học và Công nghệ",
        status="done",
        xlsx=ContentFile(b"PK\x03\x04" + b"\x00" * 60, name="bao-cao-quarter-1-2026.xlsx"),
        pdf=ContentFile(plain_pdf(), name="bao-cao-quarter-1-2026.pdf"),
    )


def test_report_files(client, producer, producer_staff, other_producer, officer, job):
    people = users(producer, producer_staff, other_producer, officer)
    officers = expect({"officer", "admin"})
    assert statuses(people, files.url(job.xlsx), type(client)) == officers
    assert statuses(people, files.url(job.pdf), type(client)) == officers
    assert job.xlsx.name.startswith("reports/") and "/bao-cao-quarter-1-2026.xlsx" in job.xlsx.name
    assert job.xlsx.name != "reports/2026/bao-cao-quarter-1-2026.xlsx"  # not guessable


def test_report_page_download(client, officer, producer, job):
    client.force_login(officer)
    response = client.get(f"/oversight/bao-cao/{job.pk}/tep/xlsx/")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-quarter-1-2026.xlsx"'
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == job.xlsx.open("rb").read()
    client.force_login(producer)
    assert client.get(f"/oversight/bao-cao/{job.pk}/tep/pdf/").status_code == 403  # the officers' pages refuse
