"""A condition excursion on a high-risk lot may need an inspection or a recall (issue 25): besides the province's
agencies, the officers whose department covers the lot's group and commune are told in person, by the routing
complaints and reviews use (`catalog.departments.responsible_officers`); a lot of ordinary risk tells no officer."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import Membership
from accounts.permissions import SYSTEM
from accounts.tests.factories import UserFactory
from catalog.tests.factories import AgencyFactory, FacilityFactory
from diary import epcis
from iot import ingest, services
from iot.payloads import Sample
from iot.units import QUANTITIES
from notifications.models import Notification
from portal.tests.factories import published_lot

pytestmark = pytest.mark.django_db
T = QUANTITIES["temperature"]
COMMUNE_Y = 23428


def _excursion(risk_class: str):
    """A lot of `risk_class` stored in a cold room whose sensor reads 11.5 °C for 25 minutes (limits 2–8 °C)."""
    lot = published_lot(status="draft")
    lot.product.risk_class = risk_class
    lot.product.save(update_fields=["risk_class"])
    org = lot.product.organization
    owner = UserFactory(username="chu-kho")
    Membership.objects.create(user=owner, organization=org, role="owner")
    room = FacilityFactory(organization=org, name="Kho lạnh Đăk Hà", kind="cold_store")
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    stored = epcis.base_event("ObjectEvent", now - dt.timedelta(hours=3))
    stored.update(
        {
            "action": "OBSERVE",
            "bizStep": "storing",
            "bizLocation": {"id": epcis.facility_location(room)},
            "quantityList": [epcis.quantity(lot, 100)],
        }
    )
    epcis.capture(actor=SYSTEM, organization=org, events=[stored], source="test")
    device, _secret = services.register_device(
        actor=owner,
        organization=org,
        data={"identifier": "kho-01", "name": "Cảm biến kho", "kind": "cold_room", "quantities": ["temperature"]},
    )
    services.place_device(
        actor=owner, device=device, kind="facility", place_id=room.pk, start=now - dt.timedelta(hours=2)
    )
    services.save_profile(
        actor=owner,
        organization=org,
        data={"name": "Kho 2–8 °C", "quantity": "temperature", "low": "2", "high": "8", "min_minutes": "15",
              "facility": room.pk},
    )  # fmt: skip
    start = now - dt.timedelta(minutes=40)
    samples = [Sample(None, start + dt.timedelta(minutes=m), T, 11.5 if 5 <= m < 30 else 4.0) for m in range(40)]
    ingest.store(actor=SYSTEM, groups={device.pk: (device, samples)})
    return lot


def test_a_high_risk_excursion_tells_the_covering_officer_in_person():
    agency = AgencyFactory(email="")
    here = UserFactory(username="cb.here", agency=agency)  # no scope of their own: told when nobody scoped covers it
    there = UserFactory(username="cb.there", agency=agency, scope_ward_codes=[COMMUNE_Y])
    lot = _excursion("high")
    told = Notification.objects.filter(user__isnull=False)
    assert [(n.user, n.link) for n in told] == [(here, f"/iot/co-quan/lo/{lot.pk}/")]
    assert told.get().title.startswith(f"{lot.product.organization.name}: Vượt ngưỡng Nhiệt độ tại Kho lạnh Đăk Hà")
    assert not Notification.objects.filter(user=there).exists()
    assert Notification.objects.filter(organization=agency).count() == 1  # the agency's notice stays


def test_an_ordinary_excursion_tells_no_officer():
    agency = AgencyFactory(email="")
    UserFactory(username="cb.here", agency=agency)
    _excursion("medium")
    assert not Notification.objects.filter(user__isnull=False).exists()
    assert not Notification.objects.filter(organization=agency).exists()
