"""Feedback from a product page: submit, honeypot, escaping, follow by tracking code, answers."""

from __future__ import annotations

import pytest

from feedback import services
from feedback.models import Feedback
from portal.tests.factories import published_lot

pytestmark = pytest.mark.django_db


def test_submit_and_follow(client, producer):
    lot = published_lot()
    code = f"/01/{lot.product.gtin}/10/{lot.lot_code}"
    assert client.get("/phan-anh/gui", {"code": code}).status_code == 200
    r = client.post(
        "/phan-anh/gui",
        {
            "code": code,
            "kind": "complaint",
            "rating": "2",
            "message": "<script>alert(1)</script> Hạt bị ẩm",
            "website": "",
        },
    )
    assert r.status_code == 302
    item = Feedback.objects.get()
    assert item.lot == lot and item.kind == "complaint" and item.rating == 2
    page = client.get(r["Location"]).content.decode()
    assert item.tracking_code in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "Chưa có trả lời" in page
    item.organization = lot.product.organization
    from accounts.models import Membership

    Membership.objects.filter(user=producer).update(organization=lot.product.organization)
    producer._membership_roles = None
    del producer._membership_roles
    services.answer_feedback(actor=producer, feedback=item, body="Chúng tôi đã đổi hàng cho bạn.")
    page = client.get(f"/phan-anh/{item.tracking_code.lower()}").content.decode()
    assert "Chúng tôi đã đổi hàng cho bạn." in page
    assert "Đã trả lời" in page
    assert client.get("/phan-anh/", {"code": item.tracking_code.replace("-", " ")}).status_code == 302


def test_honeypot_stores_nothing(client):
    lot = published_lot()
    r = client.post(
        "/phan-anh/gui",
        {"code": f"/01/{lot.product.gtin}/10/{lot.lot_code}", "message": "mua ngay", "website": "http://spam.example"},
    )
    assert r.status_code == 200
    assert Feedback.objects.count() == 0


def test_rate_limited_page(client):
    lot = published_lot()
    code = f"/01/{lot.product.gtin}/10/{lot.lot_code}"
    for _ in range(services.PER_HOUR):
        client.post("/phan-anh/gui", {"code": code, "message": "Xin chào", "kind": "feedback"})
    r = client.post("/phan-anh/gui", {"code": code, "message": "Xin chào", "kind": "feedback"})
    assert r.status_code == 429
    assert Feedback.objects.count() == services.PER_HOUR


def test_unknown_code_and_tracking(client):
    r = client.get("/phan-anh/gui", {"code": "/01/08938501000019"})  # unknown: the counterfeit report form
    assert r.status_code == 302 and r["Location"] == "/phan-anh/hang-nghi-gia?code=%2F01%2F08938501000019"
    assert client.get("/phan-anh/PA-AAAA-AAAA").status_code == 404
