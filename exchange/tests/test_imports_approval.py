"""Imports capture EPCIS events, so a pending or suspended organisation imports nothing (issue 18).

Found against a live server: the EPCIS interface refused a self-registered, still pending organisation
(`events.auth.capture_error`), but the same document uploaded at /trao-doi/nhap-du-lieu/ and started was
captured (one event stored under the pending organisation). The import is held to the same rule: at upload, at
start, and in the job (an organisation suspended after queuing its import).
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import ValidationError

from catalog.tests.factories import OrganizationFactory
from core.tests.jobs import run_jobs
from events.models import Event
from exchange.imports.services import preview, start, upload
from exchange.models import ImportBatch

REFUSED = "Tổ chức chưa được duyệt hoặc đang bị đình chỉ nên chưa nhập được dữ liệu."

# One event about a code of a company prefix nobody on this node owns: it needs no mapping and no authority.
DOCUMENT = json.dumps(
    {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-11-20T08:00:00+07:00",
        "epcisBody": {
            "eventList": [
                {
                    "type": "ObjectEvent",
                    "eventTime": "2026-11-20T07:00:00+07:00",
                    "eventTimeZoneOffset": "+07:00",
                    "action": "OBSERVE",
                    "bizStep": "inspecting",
                    "epcList": [],
                    "quantityList": [
                        {"epcClass": "urn:epc:class:lgtin:0614141.012345.X1", "quantity": 1, "uom": "KGM"}
                    ],
                }
            ]
        },
    }
).encode()


@pytest.mark.parametrize("status", ["pending", "suspended"])
def test_an_organisation_not_approved_cannot_upload_an_import(producer, organization, status):
    organization.status = status
    organization.save()
    with pytest.raises(ValidationError) as refused:
        upload(actor=producer, organization=organization, filename="e.json", data=DOCUMENT)
    assert refused.value.messages == [REFUSED]
    assert ImportBatch.objects.count() == 0


def test_the_import_page_tells_a_pending_organisation_why_in_vietnamese(client, producer, organization):
    organization.status = "pending"
    organization.save()
    client.force_login(producer)
    page = client.post("/trao-doi/nhap-du-lieu/", {"file": _file()})
    assert page.status_code == 400
    assert REFUSED in page.content.decode()
    client.cookies["django_language"] = "en"
    english = client.post("/trao-doi/nhap-du-lieu/", {"file": _file()}, HTTP_ACCEPT_LANGUAGE="en")
    assert "pending approval or suspended, so it cannot import data yet." in english.content.decode()
    assert (ImportBatch.objects.count(), Event.objects.count()) == (0, 0)


def test_an_uploaded_import_does_not_start_once_the_organisation_is_suspended(producer, organization):
    batch = upload(actor=producer, organization=organization, filename="e.json", data=DOCUMENT)
    assert preview(batch).ok
    organization.status = "suspended"
    organization.save()
    with pytest.raises(ValidationError):
        start(actor=producer, batch=batch)
    batch.refresh_from_db()
    assert (batch.status, Event.objects.count()) == ("uploaded", 0)


def test_a_queued_import_of_an_organisation_suspended_since_stores_nothing(producer, organization):
    batch = upload(actor=producer, organization=organization, filename="e.json", data=DOCUMENT)
    start(actor=producer, batch=batch)
    organization.status = "suspended"
    organization.save()
    assert run_jobs() == 1
    batch.refresh_from_db()
    assert (batch.status, batch.stored, Event.objects.count()) == ("failed", 0, 0)
    assert batch.error.startswith(REFUSED)


def test_an_approved_organisation_imports_the_same_document(producer, organization):
    """The control: the refusals above are the organisation's status, not the document."""
    assert OrganizationFactory().status == organization.status == "approved"
    batch = upload(actor=producer, organization=organization, filename="e.json", data=DOCUMENT)
    start(actor=producer, batch=batch)
    run_jobs()
    batch.refresh_from_db()
    assert (batch.status, batch.stored, Event.objects.count()) == ("done", 1, 1)


def _file():
    data = io.BytesIO(DOCUMENT)
    data.name = "e.json"
    return data
