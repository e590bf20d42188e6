"""Events are the one record (issue 17 'Done when'): a spraying a partner's system captures through
`POST /epcis/capture` with the organisation's API token becomes its diary entry, reaches the pre-harvest-interval
rule and blocks the lot as a diary entry does; its error declaration unblocks it; another organisation's token
cannot put a spraying on this area."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from diary.activities import DIARY_NS
from diary.epcis import area_location, event_time
from diary.models import DiaryEntry
from diary.tests.factories import days_ago, farm
from events.epcis import CONTEXT_URL
from events.tests.helpers import token_for
from rules.models import RuleDecision
from workflows import chain
from workflows.publication import submit_lot

pytestmark = pytest.mark.django_db

SPRAYING = "urn:uuid:5d0e7a4b-1c2f-4e3a-9b8c-7d6e5f4a3b21"
CONTEXT = [CONTEXT_URL, {"farm": DIARY_NS}]  # the partner's own prefix for the diary namespace


def _spraying(area, event_id=SPRAYING):
    when, offset = event_time(days_ago(5))
    return {
        "type": "ObjectEvent",
        "eventID": event_id,
        "eventTime": when,
        "eventTimeZoneOffset": offset,
        "epcList": [],
        "action": "OBSERVE",
        "bizStep": "https://truyxuat.vn/voc/bizstep#spraying",
        "readPoint": {"id": area_location(area)},
        "farm:inputName": "Anvil 5SC",
        "farm:activeIngredient": "Hexaconazole",
        "farm:preHarvestIntervalDays": 14,
    }


def _capture(client, token, events):
    doc = {
        "@context": CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": timezone.now().isoformat(),
        "epcisBody": {"eventList": events},
    }
    response = client.post(
        "/epcis/capture",
        data=json.dumps(doc).encode(),
        content_type="application/ld+json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 202, response.content
    assert response.json()["success"] is True
    return response


def test_a_partners_spraying_blocks_the_lot_until_declared_in_error(client, producer, organization, other_organization):
    area, product = farm(organization)
    token = token_for(organization)
    _capture(client, token, [_spraying(area)])

    entry = DiaryEntry.objects.get(event_id=SPRAYING)
    assert (entry.organization, entry.growing_area, entry.activity, entry.source) == (
        organization,
        area,
        "spraying",
        "api",
    )
    assert (entry.product_name, entry.active_ingredient, entry.phi_days) == ("Anvil 5SC", "Hexaconazole", 14)
    assert entry.local_date == timezone.localdate() - dt.timedelta(days=5)

    lot = chain.harvest(
        actor=producer,
        organization=organization,
        data={"product": product, "growing_area": area, "quantity": "100", "harvested_at": days_ago(0, 9)},
    )
    sprayed = timezone.localdate() - dt.timedelta(days=5)
    allowed = sprayed + dt.timedelta(days=14)
    decision = RuleDecision.objects.get(lot=lot, rule="pre_harvest_interval")
    assert (decision.outcome, decision.allowed_from, decision.trigger) == ("block", allowed, "event")
    assert decision.reason == (
        f"Thu hoạch ngày {timezone.localdate():%d/%m/%Y} tại vùng {area.code} khi chưa hết thời gian cách ly 14 ngày "
        f"sau lần phun Anvil 5SC ngày {sprayed:%d/%m/%Y}."
    )
    assert (decision.facts["entry"], decision.facts["input"]) == (str(entry.client_id), "Anvil 5SC")
    with pytest.raises(ValidationError) as refused:
        submit_lot(actor=producer, lot=lot)
    assert f"từ ngày {allowed:%d/%m/%Y}" in " ".join(refused.value.messages)
    lot.refresh_from_db()
    assert lot.status == "draft"

    # Another organisation's token: its spraying on this area is stored as its event, never as this area's entry.
    _capture(client, token_for(other_organization), [_spraying(area, "urn:uuid:6e1f8b5c-2d3a-4f4b-8c9d-8e7f6a5b4c32")])
    assert DiaryEntry.objects.filter(growing_area=area).count() == 2  # the spraying and the harvest
    assert not DiaryEntry.objects.filter(organization=other_organization).exists()

    declared = dict(
        _spraying(area),
        errorDeclaration={"declarationTime": timezone.now().isoformat(), "reason": "did_not_occur"},
    )
    _capture(client, token, [declared])
    entry.refresh_from_db()
    assert (entry.correction, entry.stands) == ("voided", False)
    latest = RuleDecision.objects.filter(lot=lot, rule="pre_harvest_interval").latest("id")
    assert (latest.outcome, latest.trigger) == ("pass", "diary")
    assert submit_lot(actor=producer, lot=lot).status == "submitted"
