"""The HTTP reader API (a registered reader's Basic credentials; refusals as problems), the gate's live view, unit
labels (page and ZPL), the shipment page's reads and the consumer lot page's line, on one played scenario."""

from __future__ import annotations

import base64
import json

import pytest
from django.utils import timezone

from accounts.permissions import SYSTEM
from rfid import simulate
from rfid.models import TagRead
from rfid.tests.conftest import START, world

pytestmark = pytest.mark.django_db


def _basic(identifier, secret):
    return "Basic " + base64.b64encode(f"{identifier}:{secret}".encode()).decode()


def test_reads_over_http_the_gate_labels_shipment_and_consumer_pages(client, organization, producer, settings):
    settings.TRUYXUAT_PORTAL_URL = "https://truyxuat.example.vn"
    gates, lot, cartons = world(organization, producer, cartons=3)
    auth = {
        p.pk: _basic(p.device.identifier, gates.secrets[p.device.identifier])
        for p in (gates.station, gates.door_out, gates.door_in)
    }

    # refusals first: nothing stored
    body = json.dumps({"reads": [{"epc": "E28011606000020A2B3C4D5E"}]})
    assert client.post("/api/v1/rfid/reads", body, "application/json").status_code == 401
    wrong = _basic(gates.door_out.device.identifier, "sai")
    assert client.post("/api/v1/rfid/reads", body, "application/json", HTTP_AUTHORIZATION=wrong).status_code == 401
    refused = client.post("/api/v1/rfid/reads", body, "application/json", HTTP_AUTHORIZATION=auth[gates.door_out.pk])
    assert refused.status_code == 422 and "unknown EPC header 0xE2" in refused.json()["detail"]
    bad = client.post("/api/v1/rfid/reads", "{", "application/json", HTTP_AUTHORIZATION=auth[gates.door_out.pk])
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
    assert TagRead.objects.count() == 0

    def send(point, message):
        response = client.post(
            "/api/v1/rfid/reads", json.dumps(message), "application/json", HTTP_AUTHORIZATION=auth[point.pk]
        )
        assert response.status_code == 200, response.content
        return response.json()

    played = simulate.scenario(SYSTEM, gates, cartons, START, send)
    assert played.shipment.status == "received"

    client.force_login(producer)
    page = client.get(f"/rfid/cong/{gates.door_out.pk}/").content.decode()
    assert "Cổng kho Đăk Hà" in page and 'data-state="/rfid/cong/' in page
    state = client.get(f"/rfid/cong/{gates.door_out.pk}/trang-thai").content.decode()
    assert '<strong id="gate-read">3</strong> / 4' in state and '<strong id="gate-missing">1</strong>' in state
    assert played.left_behind.sscc in state and "urn:epc:id:sscc:0614141.1234567890" in state

    zpl = client.get(f"/rfid/nhan/{played.pallet.sscc}.zpl").content.decode()
    assert zpl.count("^XA") == 4 and f"^RFW,H,2,12,1^FD{simulate.epc_hex(played.pallet)}^FS" in zpl
    assert f"^FDQA,https://truyxuat.example.vn/00/{played.pallet.sscc}^FS" in zpl
    labels = client.get(f"/rfid/nhan/{played.pallet.sscc}/").content.decode()
    assert simulate.epc_hex(cartons[0]) in labels and "<svg" in labels

    shipment = client.get(f"/workspace/shipments/{played.shipment.public_id}/").content.decode()
    assert "Cổng kho Đăk Hà" in shipment and f'Thiếu <span class="code">{played.left_behind.sscc}</span>' in shipment

    lot.status, lot.published_at = "published", timezone.now()
    lot.save()
    client.logout()
    consumer = client.get(f"/01/{lot.product.gtin.zfill(14)}/10/{lot.lot_code}").content.decode()
    assert "Đọc tại Cổng nhận hàng xưởng rang, 07/12 11:00" in consumer
    assert "Đọc tại Cổng kho Đăk Hà, 07/12 08:20" in consumer
