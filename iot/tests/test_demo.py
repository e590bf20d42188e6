"""The demo province's sensors: a drying yard and a cold room with a week of readings, the door left open once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models.functions import TruncHour

from catalog.tests.factories import FacilityFactory, OrganizationFactory
from iot.demo import COFFEE_COOP, COLD_ROOM, build_demo_sensors
from iot.models import Aggregate, Excursion, Reading

pytestmark = pytest.mark.django_db


def test_demo_sensors_week_and_excursion():
    OrganizationFactory(tax_code=COFFEE_COOP)
    FacilityFactory(name=COLD_ROOM, kind="cold_store")
    assert build_demo_sensors(log=lambda _line: None) == 7 * 144 * 5
    assert build_demo_sensors(log=lambda _line: None) == 0
    assert Reading.objects.count() == 7 * 144 * 5
    hours = Reading.objects.annotate(h=TruncHour("time")).values_list("device", "quantity", "h").distinct()
    assert Aggregate.objects.filter(bucket="h").count() == len(set(hours))
    door = Excursion.objects.get()
    assert door.confirmed_at is not None
    assert door.ended_at == door.started_at + dt.timedelta(minutes=40)
    assert door.worst == pytest.approx(6.5, abs=0.2)
