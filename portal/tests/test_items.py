"""Item pages: genuine stamps, unknown and revoked serials, the check code, counterfeit signals, location."""

from __future__ import annotations

import json

import pytest

from portal.tests.factories import published_lot
from stamps import secrets, services
from stamps.models import Scan
from stamps.selectors import MANY_SCANS

pytestmark = pytest.mark.django_db


@pytest.fixture
def stamp_and_code(officer):
    lot = published_lot()
    org = lot.product.organization
    org.province_code = officer.agency.province_code
    org.save()
    from accounts.permissions import SYSTEM

    batch = services.request_batch(actor=SYSTEM, product=lot.product, lot=lot, quantity=2)
    batch = services.approve_batch(actor=officer, batch=batch)
    stamp = batch.stamps.first()
    return stamp, secrets.read_codes(batch.pk)[stamp.serial], lot


def _item(stamp, lot):
    return f"/01/{stamp.gtin}/10/{lot.lot_code}/21/{stamp.serial}"


def test_genuine_item_records_scan_without_personal_data(client, stamp_and_code):
    stamp, _code, lot = stamp_and_code
    r = client.get(_item(stamp, lot), REMOTE_ADDR="203.0.113.7")
    html = r.content.decode()
    assert r.status_code == 200
    assert "Tem do cơ quan quản lý cấp" in html
    assert "Đây là lần quét đầu tiên" in html
    assert "Cà phê nhân Robusta Đăk Hà" in html
    scan = Scan.objects.get()
    assert (scan.gtin, scan.serial, scan.stamp_id, scan.latitude) == (stamp.gtin, stamp.serial, stamp.pk, None)
    assert "203.0.113.7" not in scan.address_hash
    r = client.get(f"/01/{stamp.gtin}/21/{stamp.serial}", REMOTE_ADDR="203.0.113.8")  # without the lot
    assert "đã được quét 2 lần" in r.content.decode()


def test_check_code(client, stamp_and_code):
    stamp, code, lot = stamp_and_code
    r = client.post("/kiem-tra-tem", {"item": _item(stamp, lot), "code": code.lower()})
    assert "Mã kiểm tra ĐÚNG" in r.content.decode()
    r = client.post("/kiem-tra-tem", {"item": _item(stamp, lot), "code": "ZZZZZZ"})
    assert "Mã kiểm tra KHÔNG ĐÚNG" in r.content.decode()
    assert Scan.objects.filter(check_result="mismatch").count() == 1


def test_check_code_throttled(client, stamp_and_code):
    stamp, code, lot = stamp_and_code
    for _ in range(10):
        client.post("/kiem-tra-tem", {"item": _item(stamp, lot), "code": "WRONG1"})
    r = client.post("/kiem-tra-tem", {"item": _item(stamp, lot), "code": code})
    assert "Đã nhập sai quá nhiều lần" in r.content.decode()


def test_unknown_serial_warns(client, stamp_and_code):
    stamp, _code, _lot = stamp_and_code
    r = client.get(f"/01/{stamp.gtin}/21/99999999999")
    assert r.status_code == 200  # falls back to the product (issue 19), the warning first
    assert "không do cơ quan quản lý cấp" in r.content.decode()


def test_revoked_batch_warns(client, stamp_and_code, officer):
    stamp, _code, lot = stamp_and_code
    services.revoke_batch(actor=officer, batch=stamp.batch, reason="Mất cuộn tem")
    assert "đã bị cơ quan quản lý huỷ" in client.get(_item(stamp, lot)).content.decode()


def test_copied_code_warns(client, stamp_and_code):
    stamp, _code, lot = stamp_and_code
    for i in range(MANY_SCANS + 1):
        client.get(_item(stamp, lot), REMOTE_ADDR=f"198.51.100.{i}")
    r = client.get(_item(stamp, lot), REMOTE_ADDR="198.51.100.250")
    html = r.content.decode()
    assert "có dấu hiệu bị sao chép" in html
    data = client.get(_item(stamp, lot) + "?format=json").json()
    assert data["scans"]["warnings"] == ["many_scans"]


def test_location_is_coarse(client, stamp_and_code):
    stamp, _code, lot = stamp_and_code
    html = client.get(_item(stamp, lot)).content.decode()
    token = html.split('data-token="')[1].split('"')[0]
    body = json.dumps({"token": token, "latitude": 14.53412, "longitude": 107.92621})
    assert client.post("/quet/vi-tri", body, content_type="application/json").json() == {"ok": True}
    scan = Scan.objects.get()
    assert (str(scan.latitude), str(scan.longitude)) == ("14.5", "107.9")
    bad = client.post(
        "/quet/vi-tri", json.dumps({"token": "forged", "latitude": 1, "longitude": 1}), content_type="application/json"
    )
    assert bad.status_code == 400
