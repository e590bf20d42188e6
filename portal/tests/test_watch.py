"""Recall alerts by e-mail: double opt-in from a product page, notices only to confirmed addresses, stop any time."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from core.models import AuditEntry
from core.tests.jobs import run_jobs
from notifications.models import ProductWatch
from notifications.services import WATCH_REQUESTS_PER_HOUR
from portal.tests.factories import published_lot

pytestmark = pytest.mark.django_db


def _ask(client, gtin: str, email: str = "khach@example.vn", **extra: str):  # type: ignore[no-untyped-def]
    return client.post(f"/theo-doi/{gtin}", {"email": email, "website": "", **extra})


def _confirm_path(message) -> str:  # type: ignore[no-untyped-def]
    return re.search(r"http://127\.0\.0\.1:8000(/theo-doi/xac-nhan/\S+)", message.body).group(1)


def test_lot_page_links_to_the_form(client):
    lot = published_lot()
    html = client.get(f"/01/{lot.product.gtin}/10/{lot.lot_code}").content.decode()
    assert f'href="/theo-doi/{lot.product.gtin}"' in html
    form = client.get(f"/theo-doi/{lot.product.gtin}")
    assert form.status_code == 200 and "Thư điện tử của bạn" in form.content.decode()


def test_double_opt_in(client, django_capture_on_commit_callbacks):
    lot = published_lot()
    with django_capture_on_commit_callbacks(execute=True):
        r = _ask(client, lot.product.gtin, " Khach@Example.VN ")
    assert r.status_code == 200 and 'id="watch-sent"' in r.content.decode()
    watch = ProductWatch.objects.get()
    assert (watch.email, watch.confirmed_at, watch.product_id) == ("khach@example.vn", None, lot.product_id)
    assert run_jobs() == 1  # the confirmation e-mail is a job
    assert [m.to for m in mail.outbox] == [["khach@example.vn"]]
    path = _confirm_path(mail.outbox[0])
    shown = client.get(path)  # a mail scanner opening the link confirms nothing
    assert shown.status_code == 200 and shown["Cache-Control"] == "no-store"
    watch.refresh_from_db()
    assert watch.confirmed_at is None
    done = client.post(path)
    assert 'id="watch-confirmed"' in done.content.decode()
    watch.refresh_from_db()
    assert watch.confirmed_at is not None
    entries = AuditEntry.objects.filter(object_type="notifications.productwatch").order_by("pk")
    assert [(e.action, e.after) for e in entries] == [
        ("create", {"product": lot.product.gtin}),
        ("update", {"confirmed": True}),
    ]
    assert "khach@example.vn" not in str([(e.before, e.after, e.reason) for e in entries])  # no address in the trail


def test_asking_again_does_not_mail_again_at_once(client, django_capture_on_commit_callbacks):
    lot = published_lot()
    with django_capture_on_commit_callbacks(execute=True):
        _ask(client, lot.product.gtin)
        _ask(client, lot.product.gtin)
    assert run_jobs() == 1 and len(mail.outbox) == 1 and ProductWatch.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "status"),
    [({"email": "khong-phai-thu"}, 400), ({"email": ""}, 400), ({"email": "bot@example.vn", "website": "x"}, 200)],
)
def test_bad_requests_store_nothing(client, data, status, django_capture_on_commit_callbacks):
    lot = published_lot()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/theo-doi/{lot.product.gtin}", data)
    assert r.status_code == status
    assert ProductWatch.objects.count() == 0 and run_jobs() == 0 and mail.outbox == []


def test_unknown_product_and_token_are_404(client):
    assert client.get("/theo-doi/08930000000000").status_code == 404
    assert client.get("/theo-doi/xac-nhan/khong-co").status_code == 404
    assert client.post("/theo-doi/ngung/khong-co").status_code == 200  # nothing to stop: same answer, no leak


def test_requests_are_limited_per_network_address(client):
    lot = published_lot()
    for i in range(WATCH_REQUESTS_PER_HOUR):
        assert _ask(client, lot.product.gtin, f"k{i}@example.vn").status_code == 200
    r = _ask(client, lot.product.gtin, "qua-nhieu@example.vn")
    assert r.status_code == 429 and "thử lại sau" in r.content.decode()
    assert ProductWatch.objects.count() == WATCH_REQUESTS_PER_HOUR


def test_stop_from_the_link(client):
    lot = published_lot()
    watch = ProductWatch.objects.create(product=lot.product, email="khach@example.vn")
    assert client.get(f"/theo-doi/ngung/{watch.token}").status_code == 200
    assert ProductWatch.objects.count() == 1  # GET only asks
    r = client.post(f"/theo-doi/ngung/{watch.token}")
    assert 'id="watch-stopped"' in r.content.decode()
    assert ProductWatch.objects.count() == 0
