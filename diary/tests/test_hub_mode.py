"""A node in hub mode holds no farm diaries (issue 23 item 5): the diary's form, API and corrections and a partner's
EPCIS capture of a farm step are refused with a bilingual reason, and nothing is stored. Off hub mode the same
entry is recorded (so the refusal is the mode's, not the data's)."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import escape

from accounts.tests.factories import UserFactory
from catalog.tests.factories import AgencyFactory, GrowingAreaFactory
from core.errors import Forbidden
from diary import corrections, services
from diary.activities import DIARY_NS
from diary.epcis import area_location, event_time
from diary.models import DiaryEntry
from diary.tests.factories import days_ago
from events.epcis import CONTEXT_URL
from events.models import Capture, Event
from events.services.hubmode import PROBLEM
from events.tests.helpers import token_for

pytestmark = pytest.mark.django_db

REFUSED_VI = "Hệ thống quốc gia không lưu nhật ký đồng ruộng. Hãy ghi nhật ký trên hệ thống của tỉnh mình."
REFUSED_EN = "A national hub holds no farm diaries. Record the diary on your own province's node."


@pytest.fixture
def area(organization):
    return GrowingAreaFactory(organization=organization, code="VT-51-DHA-9001", crop="Cà phê vối")


@pytest.fixture
def hub(settings):
    settings.TRUYXUAT_FEDERATION_HUB = True
    return settings


def _weeding(area) -> dict[str, str]:
    return {"growing_area": str(area.pk), "activity": "weeding", "occurred_at": days_ago(1).isoformat()}


def test_the_diary_service_refuses_in_hub_mode_and_records_otherwise(settings, producer, organization, area):
    settings.TRUYXUAT_FEDERATION_HUB = True
    with pytest.raises(ValidationError) as refused:
        services.record_entry(actor=producer, organization=organization, data=_weeding(area))
    assert refused.value.messages == [REFUSED_VI]
    assert (DiaryEntry.objects.count(), Event.objects.count(), Capture.objects.count()) == (0, 0, 0)
    settings.TRUYXUAT_FEDERATION_HUB = False
    entry, created = services.record_entry(actor=producer, organization=organization, data=_weeding(area))
    assert (created, entry.activity, Event.objects.count()) == (True, "weeding", 1)


def test_a_correction_is_refused_in_hub_mode(settings, producer, organization, area):
    entry, _created = services.record_entry(actor=producer, organization=organization, data=_weeding(area))
    settings.TRUYXUAT_FEDERATION_HUB = True
    with pytest.raises(ValidationError) as refused:
        corrections.correct_entry(actor=producer, entry=entry, data={"activity": "pruning"}, reason="Nhầm việc")
    assert refused.value.messages == [REFUSED_VI]
    entry.refresh_from_db()
    assert (entry.correction, DiaryEntry.objects.count(), Event.objects.count()) == ("", 1, 1)


def test_the_diary_form_shows_why_in_vietnamese_and_english(hub, client, producer, area):
    client.force_login(producer)
    page = client.post("/workspace/diary/", _weeding(area))
    assert page.status_code == 400
    assert REFUSED_VI in page.content.decode()
    english = client.post("/workspace/diary/", _weeding(area), HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400
    assert escape(REFUSED_EN) in english.content.decode()
    assert DiaryEntry.objects.count() == 0


def test_the_diary_api_and_offline_sync_are_refused(hub, client, producer, area):
    client.force_login(producer)
    answer = client.post("/api/v1/workspace/diary/entries", _weeding(area))
    assert answer.status_code == 422
    assert [e["message"] for e in answer.json()["errors"]] == [REFUSED_VI]
    assert DiaryEntry.objects.count() == 0


def _event(area, step: str, **extra: object) -> dict[str, object]:
    when, offset = event_time(days_ago(2))
    return {
        "type": "ObjectEvent",
        "eventTime": when,
        "eventTimeZoneOffset": offset,
        "epcList": [],
        "action": "OBSERVE",
        "bizStep": step,
        "readPoint": {"id": area_location(area)},
        **extra,
    }


def _capture(client, token: str, events: list[dict[str, object]], **headers: str):
    doc = {
        "@context": [CONTEXT_URL, {"farm": DIARY_NS, "fs": "https://truyxuat.vn/voc/bizstep#"}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": timezone.now().isoformat(),
        "epcisBody": {"eventList": events},
    }
    return client.post(
        "/epcis/capture",
        data=json.dumps(doc).encode(),
        content_type="application/ld+json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        **headers,
    )


def test_a_partners_farm_steps_are_refused_in_every_spelling(hub, client, organization, area):
    token = token_for(organization)
    steps = ["https://truyxuat.vn/voc/bizstep#spraying", "weeding", "fs:pruning"]
    answer = _capture(client, token, [_event(area, s, **{"farm:inputName": "Anvil 5SC"}) for s in steps])
    assert answer.status_code == 400
    body = answer.json()
    assert body["title"] == (
        "Tài liệu EPCIS không hợp lệ, không sự kiện nào được lưu / Invalid EPCIS input, nothing was stored"
    )
    assert [(e["event_index"], e["pointer"], e["message"]) for e in body["errors"]] == [
        (0, "/epcisBody/eventList/0/bizStep", PROBLEM),
        (1, "/epcisBody/eventList/1/bizStep", PROBLEM),
        (2, "/epcisBody/eventList/2/bizStep", PROBLEM),
    ]
    assert "A national hub holds no farm diaries" in PROBLEM and PROBLEM.startswith("Hệ thống quốc gia")
    assert (Event.objects.count(), DiaryEntry.objects.count()) == (0, 0)


def test_proceed_stores_the_other_events_and_never_the_diary(hub, client, organization, area):
    token = token_for(organization)
    inspect = _event(area, "inspecting")
    answer = _capture(client, token, [_event(area, "spraying"), inspect], HTTP_GS1_CAPTURE_ERROR_BEHAVIOUR="proceed")
    assert answer.status_code == 202, answer.content
    job = answer.json()
    assert [(e["event_index"], e["pointer"]) for e in job["errors"]] == [(0, "/epcisBody/eventList/0/bizStep")]
    assert list(Event.objects.values_list("biz_step", flat=True)) == ["inspecting"]
    assert DiaryEntry.objects.count() == 0


def test_a_node_that_is_not_a_hub_takes_the_partners_spraying(client, organization, area):
    answer = _capture(client, token_for(organization), [_event(area, "fs:spraying", **{"farm:inputName": "Anvil"})])
    assert answer.status_code == 202, answer.content
    assert Event.objects.count() == 1


def test_who_is_told_what_in_hub_mode(hub, producer, other_producer, organization, area, officer):
    """The permission is checked first: only who may write the diary learns that the hub keeps none; the rest are
    refused as anywhere else. Nothing is stored in any case."""
    organization.province_code = officer.agency.province_code
    organization.save()
    elsewhere = UserFactory(agency=AgencyFactory(province_code=officer.agency.province_code + 1))
    outcome: dict[str, object] = {}
    for name, actor in [
        ("owner", producer),
        ("other organisation", other_producer),
        ("officer of the province", officer),
        ("officer of another province", elsewhere),
        ("anonymous", AnonymousUser()),
    ]:
        try:
            services.record_entry(actor=actor, organization=organization, data=_weeding(area))
        except ValidationError as exc:
            outcome[name] = exc.messages
        except Forbidden:
            outcome[name] = "forbidden"
    assert outcome == {
        "owner": [REFUSED_VI],
        "other organisation": "forbidden",
        "officer of the province": "forbidden",
        "officer of another province": "forbidden",
        "anonymous": "forbidden",
    }
    assert (DiaryEntry.objects.count(), Event.objects.count()) == (0, 0)
