"""A pending or suspended organisation's readers capture nothing (issue 18).

A reader's reads are captured as the operator's (`SYSTEM`, who may name anything), so the EPCIS interface's rule
(`events.auth.capture_error`: a pending or suspended organisation captures neither with tokens nor with sessions)
was not applied to them: a suspended cooperative's dock door went on adding shipping events to its lots' public
chains. The reader's call is now refused whole, over HTTP as a 422 problem in the reader's language.
"""

from __future__ import annotations

import base64
import json

import pytest

from events.models import Event
from rfid import simulate
from rfid.models import TagRead
from rfid.tests.conftest import world

pytestmark = pytest.mark.django_db

REFUSED = "Tổ chức chưa được duyệt hoặc đang bị đình chỉ nên đầu đọc chưa ghi được sự kiện."


def _post(client, point, secret, hexes, **extra):
    basic = "Basic " + base64.b64encode(f"{point.device.identifier}:{secret}".encode()).decode()
    body = json.dumps({"reads": [{"epc": h} for h in hexes]})  # no read time: read now
    return client.post("/api/v1/rfid/reads", body, "application/json", HTTP_AUTHORIZATION=basic, **extra)


@pytest.mark.parametrize("status", ["pending", "suspended"])
def test_the_readers_of_an_organisation_not_approved_capture_nothing(client, organization, producer, status):
    gates, _lot, cartons = world(organization, producer, cartons=2)
    door, secret = gates.door_out, gates.secrets[gates.door_out.device.identifier]
    hexes = [simulate.epc_hex(c) for c in cartons]
    events = Event.objects.count()
    organization.status = status
    organization.save()

    refused = _post(client, door, secret, hexes)
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["detail"] == REFUSED
    english = _post(client, door, secret, hexes, HTTP_ACCEPT_LANGUAGE="en")
    assert (
        english.json()["detail"]
        == "The organisation is pending approval or suspended, so its readers cannot record events."
    )
    assert (TagRead.objects.count(), Event.objects.count()) == (0, events)

    organization.status = "approved"  # the control: the same reads, once approved, make one event
    organization.save()
    accepted = _post(client, door, secret, hexes)
    assert accepted.status_code == 200, accepted.content
    assert (accepted.json()["observations"], len(accepted.json()["events"])) == (2, 1)
    assert Event.objects.count() == events + 1
