"""GS1's sample documents through the REST binding: an event read back by its id, and the event-hash samples as
duplicates. Every GS1 example captured and queried back equal (as JSON), or refused naming the event and the field,
is events/tests/test_conformance_sources.py: test_gs1_examples."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest

from events.models import Event
from events.tests.epcis._conformance import JSON_DIR, XML_DIR
from events.tests.helpers import token_for

pytestmark = pytest.mark.django_db


def _capture(client, token, path: Path, content_type: str):
    return client.post(
        "/epcis/capture", data=path.read_bytes(), content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def test_single_event_get_by_id_roundtrip(client, organization):
    token = token_for(organization)
    path = JSON_DIR / "Example_9.6.4-TransformationEvent.jsonld"
    _capture(client, token, path, "application/ld+json")
    event = json.loads(path.read_bytes())["epcisBody"]["eventList"][0]
    stored = Event.objects.get()
    response = client.get(f"/epcis/events/{quote(stored.event_id, safe='')}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    data = response.json()
    assert data.pop("@context")[0] == "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
    assert {k: v for k, v in data.items() if k not in ("eventID", "recordTime")} == {
        k: v for k, v in event.items() if k not in ("eventID", "recordTime")
    }


def test_xml_identical_hash_samples_are_duplicates(client, organization):
    token = token_for(organization)
    first = _capture(client, token, XML_DIR / "WithEventHashID/event_with_identical_hash_id_1.xml", "application/xml")
    assert first.json()["storedCount"] == 1
    stored = Event.objects.count()
    # Sample 2 differs in eventTimeZoneOffset, which the reference hash includes: a different event.
    assert (
        _capture(client, token, XML_DIR / "WithEventHashID/event_with_identical_hash_id_2.xml", "text/xml").json()[
            "storedCount"
        ]
        == 1
    )
    stored += 1
    for n in range(3, 7):
        job = _capture(
            client, token, XML_DIR / f"WithEventHashID/event_with_identical_hash_id_{n}.xml", "text/xml"
        ).json()
        assert job["storedCount"] == 0, n
        assert job["duplicates"][0]["reason"] in ("eventID", "eventHash")
    assert Event.objects.count() == stored
