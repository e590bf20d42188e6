"""An excursion holds the lots in the cold room under the publication rules: submitting one is refused with the
excursion in plain Vietnamese until the producer releases the hold with a reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Membership
from accounts.permissions import SYSTEM
from accounts.tests.factories import UserFactory
from catalog.tests.factories import AgencyFactory, FacilityFactory
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


def test_excursion_holds_the_lot_in_the_room_until_released(client, officer):
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

    # the producer's lot page: the hold, with its release form, and the lot's readings as CSV
    client.force_login(owner)
    page = client.get(reverse("workspace:lot", args=[lot.pk])).content.decode()
    assert f"Lô đang bị tạm giữ: {words}" in page and f"/iot/lo/{lot.pk}/readings.csv" in page
    csv_lines = client.get(f"/iot/lo/{lot.pk}/readings.csv").content.decode().splitlines()
    assert (
        csv_lines[0] == "device,time,quantity,value,unit" and len(csv_lines) == 1 + 26
    )  # the excursion: 25 minutes out, 1 back
    # the province's officer: the lot, the device and the room as time series; another province's: refused
    client.force_login(officer)
    assert f"Lô đang bị tạm giữ: {words}" in client.get(f"/iot/co-quan/lo/{lot.pk}/").content.decode()
    for url in (f"/iot/co-quan/thiet-bi/{device.identifier}/?zoom=ngay", f"/iot/co-quan/co-so/{room.pk}/"):
        chart = client.get(url).content.decode()
        assert '<svg class="chart"' in chart and 'stroke-dasharray="4 3"' in chart  # the series and the limits
    client.force_login(UserFactory(username="can-bo-gia-lai", agency=AgencyFactory(province_code=64)))
    assert client.get(f"/iot/co-quan/lo/{lot.pk}/").status_code == 403  # this node serves one province

    with pytest.raises(ValidationError):
        services.release_hold(actor=owner, hold=hold, reason="  ")
    services.release_hold(actor=owner, hold=hold, reason="Đã đo lại nhiệt độ tâm sản phẩm: 4 °C, hàng đạt")
    latest = RuleDecision.objects.filter(lot=lot, rule="condition_excursion").order_by("-pk").first()
    assert latest is not None and latest.outcome == "pass"
    assert publication.submit_lot(actor=owner, lot=lot).status == "submitted"
