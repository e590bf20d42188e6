"""Diary entries: validation, one EPCIS event each, idempotent offline retries, uploads."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.tests.factories import UserFactory
from catalog.tests.factories import GrowingAreaFactory
from diary import selectors, services
from diary.activities import template_for
from diary.models import DiaryEntry
from diary.tests.factories import days_ago
from events.models import Event


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, format="PNG")
    return SimpleUploadedFile("x.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def area(organization):
    return GrowingAreaFactory(organization=organization, code="VT-51-DHA-9001", crop="Cà phê vối")


def test_spraying_entry_is_one_epcis_event_with_our_farm_step(producer, organization, area):
    cid = uuid.uuid4()
    entry, created = services.record_entry(
        actor=producer,
        organization=organization,
        data={
            "client_id": str(cid),
            "growing_area": area.pk,
            "activity": "spraying",
            "occurred_at": days_ago(1).isoformat(),
            "product_name": "Anvil 5SC",
            "active_ingredient": "Hexaconazole",
            "dose": "20 ml/bình 16 lít",
            "phi_days": "14",
            "latitude": "14.6123",
            "longitude": "107.9012",
        },
    )
    assert created is True
    assert entry.event_id == f"urn:uuid:{cid}"
    assert entry.safe_from == entry.local_date + __import__("datetime").timedelta(days=14)
    event = Event.objects.get(event_id=entry.event_id)
    body = json.loads(event.body)
    assert event.biz_step == "https://truyxuat.vn/voc/bizstep#spraying"
    assert event.read_point == f"https://id.gs1.org/414/{organization.gln}/254/VT-51-DHA-9001"
    assert body["txd:activeIngredient"] == "Hexaconazole"
    assert body["txd:preHarvestIntervalDays"] == 14
    assert body["txd:gps"] == "geo:14.612300,107.901200"
    assert event.organization_id == organization.pk


def test_same_client_id_twice_stores_once(producer, organization, area):
    data = {"client_id": str(uuid.uuid4()), "growing_area": area.pk, "activity": "irrigating"}
    first, created1 = services.record_entry(actor=producer, organization=organization, data=data)
    again, created2 = services.record_entry(actor=producer, organization=organization, data=data, source="offline")
    assert (created1, created2) == (True, False)
    assert again.pk == first.pk
    assert DiaryEntry.objects.count() == 1
    assert Event.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"activity": "spraying", "product_name": "Anvil"}, "phi_days"),
        ({"activity": "spraying", "phi_days": "7"}, "product_name"),
        ({"activity": "vaccinating", "product_name": "Vắc xin"}, "withdrawal_days"),
        ({"activity": "spraying", "product_name": "X", "phi_days": "900"}, "phi_days"),
        ({"activity": "dancing"}, "activity"),
        ({"activity": "irrigating", "occurred_at": "2099-01-01"}, "occurred_at"),
        ({"activity": "harvesting", "quantity": "5"}, "activity"),
        ({"activity": "irrigating", "latitude": "91", "longitude": "10"}, "latitude"),
        ({"activity": "irrigating", "client_id": "not-a-uuid"}, "client_id"),
    ],
)
def test_invalid_entries_are_refused_with_the_field_named(producer, organization, area, data, field):
    with pytest.raises(ValidationError) as info:
        services.record_entry(actor=producer, organization=organization, data={"growing_area": area.pk, **data})
    assert field in info.value.message_dict
    assert DiaryEntry.objects.count() == 0
    assert Event.objects.count() == 0


def test_area_of_another_organisation_is_refused(producer, organization, other_organization):
    foreign = GrowingAreaFactory(organization=other_organization)
    with pytest.raises(ValidationError) as info:
        services.record_entry(
            actor=producer, organization=organization, data={"growing_area": foreign.pk, "activity": "weeding"}
        )
    assert "growing_area" in info.value.message_dict


def test_photo_and_voice_are_checked_by_content(producer, organization, area):
    voice = SimpleUploadedFile("note.webm", b"\x1a\x45\xdf\xa3" + b"\x00" * 64, content_type="audio/webm")
    entry, _ = services.record_entry(
        actor=producer,
        organization=organization,
        data={"growing_area": area.pk, "activity": "pruning"},
        photo=_png(),
        voice=voice,
    )
    assert entry.photo.name.startswith("diary/photos/")
    assert entry.voice.name.startswith("diary/voice/")
    fake = SimpleUploadedFile("x.png", b"<script>alert(1)</script>", content_type="image/png")
    with pytest.raises(ValidationError) as info:
        services.record_entry(
            actor=producer, organization=organization, data={"growing_area": area.pk, "activity": "pruning"}, photo=fake
        )
    assert "photo" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        services.record_entry(
            actor=producer,
            organization=organization,
            data={"growing_area": area.pk, "activity": "pruning"},
            voice=SimpleUploadedFile("v.webm", b"MZ\x90\x00" * 8),
        )
    assert "voice" in info.value.message_dict
    assert DiaryEntry.objects.count() == 1


def test_defaults_come_from_the_last_entry_of_that_activity(producer, organization, area):
    for name, ago in (("Urê", 5), ("NPK 16-16-8", 2)):
        services.record_entry(
            actor=producer,
            organization=organization,
            data={
                "growing_area": area.pk,
                "activity": "fertilising",
                "product_name": name,
                "dose": "200 g/gốc",
                "occurred_at": days_ago(ago),
            },
        )
    defaults = selectors.defaults_for(organization)
    assert defaults[str(area.pk)]["fertilising"]["product_name"] == "NPK 16-16-8"
    assert defaults[str(area.pk)]["fertilising"]["dose"] == "200 g/gốc"


def test_waiting_periods_show_what_still_runs(producer, organization, area):
    services.record_entry(
        actor=producer,
        organization=organization,
        data={
            "growing_area": area.pk,
            "activity": "spraying",
            "product_name": "Anvil",
            "phi_days": 14,
            "occurred_at": days_ago(3),
        },
    )
    services.record_entry(
        actor=producer,
        organization=organization,
        data={
            "growing_area": area.pk,
            "activity": "spraying",
            "product_name": "Old",
            "phi_days": 7,
            "occurred_at": days_ago(30),
        },
    )
    running = selectors.waiting_periods(area)
    assert [(e.product_name, (safe - e.local_date).days) for e, safe in running] == [("Anvil", 14)]


def test_templates_match_crops_by_keyword():
    assert template_for("Cà phê vối").code == "coffee"
    assert template_for("Heo thịt").code == "pig"
    assert template_for("Sâm Ngọc Linh").code == "ginseng"
    assert template_for("Khoai lang").code == "generic"
    assert template_for("Heo thịt").activities[0] == "feeding"


def test_a_date_means_seven_in_the_morning_but_today_never_later_than_now(monkeypatch):
    import datetime as dt

    from django.utils import timezone

    from diary.services import parse_when

    dawn = dt.datetime(2026, 3, 7, 22, 30, tzinfo=dt.UTC)  # 05:30 on 8 March in Vietnam (UTC+7)
    monkeypatch.setattr(timezone, "now", lambda: dawn)
    assert parse_when("2026-03-08") == dawn  # harvested this morning, entered at 05:30: not "in the future"
    assert parse_when("2026-03-07") == dt.datetime(2026, 3, 7, 0, 0, tzinfo=dt.UTC)  # 07:00 local
    assert parse_when(dt.date(2026, 3, 8)) == dawn


def test_the_same_fact_recorded_twice_is_one_entry(db):
    """Two entries alike in every field and time, under two client ids (typed twice): the capture keeps one event
    (the second is a duplicate by event hash), and the second call answers the entry projected from it."""
    from catalog.tests.factories import OrganizationFactory
    from diary.tests.factories import days_ago, farm
    from workflows import chain

    org = OrganizationFactory()
    user = UserFactory()
    org.memberships.create(user=user, role="staff")
    area, _product = farm(org)
    data = {"growing_area": area.pk, "activity": "spraying", "product_name": "Anvil 5SC", "phi_days": "14"}
    first, created = chain.record_entry(actor=user, organization=org, data={**data, "occurred_at": days_ago(1)})
    again, created_again = chain.record_entry(actor=user, organization=org, data={**data, "occurred_at": days_ago(1)})
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert DiaryEntry.objects.filter(organization=org).count() == 1
