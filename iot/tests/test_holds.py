"""An excursion holds the lots in the cold room under the publication rules: submitting one is refused with the
excursion in plain Vietnamese until the producer releases the hold with a reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Membership
from accounts.permissions import SYSTEM
from accounts.tests.factories import UserFactory
from catalog.tests.factories import FacilityFactory
from diary import epcis
from iot import ingest, services
from iot.models import ConditionHold
from iot.payloads import Sample
from iot.units import QUANTITIES
from portal.tests.factories import published_lot
from rules.models import RuleDecision
from workflows import publication

pytestmark = pytest.mark.django_db
T = QUANTITIES["temperature"]


def test_excursion_holds_the_lot_in_the_room_until_released():
    lot = published_lot(status="draft")
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
        data={
            "name": "Kho 2–8 °C",
            "quantity": "temperature",
            "low": "2",
            "high": "8",
            "min_minutes": "15",
            "facility": room.pk,
        },
    )
    start = now - dt.timedelta(minutes=40)
    samples = [Sample(None, start + dt.timedelta(minutes=m), T, 11.5 if 5 <= m < 30 else 4.0) for m in range(40)]
    ingest.store(actor=SYSTEM, groups={device.pk: (device, samples)})

    hold = ConditionHold.objects.get(lot=lot)
    words = "Vượt ngưỡng Nhiệt độ tại Kho lạnh Đăk Hà: 11,5 °C (ngưỡng 2–8 °C) trong 15 phút"
    assert hold.reason == words
    with pytest.raises(ValidationError) as refused:
        publication.submit_lot(actor=owner, lot=lot)
    assert refused.value.messages == [
        f"Lô bị tạm giữ vì điều kiện bảo quản, vận chuyển: {words}. Kiểm tra lại hàng, rồi giải toả tạm giữ trên "
        "trang “Cảm biến” (ghi lý do): lô được kiểm tra lại ngay."
    ]
    lot.refresh_from_db()
    assert lot.status == "draft"

    with pytest.raises(ValidationError):
        services.release_hold(actor=owner, hold=hold, reason="  ")
    services.release_hold(actor=owner, hold=hold, reason="Đã đo lại nhiệt độ tâm sản phẩm: 4 °C, hàng đạt")
    latest = RuleDecision.objects.filter(lot=lot, rule="condition_excursion").order_by("-pk").first()
    assert latest is not None and latest.outcome == "pass"
    assert publication.submit_lot(actor=owner, lot=lot).status == "submitted"
