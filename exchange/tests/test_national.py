"""The national portal adapter against its stand-in: retries, idempotency, refusals, dead letters and replay."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from django.utils import timezone

from catalog.tests.factories import LotFactory, ProductFactory
from core.tests.jobs import run_jobs
from exchange.models import PortalRecord
from exchange.national.services import enqueue_published, replay
from exchange.standin import StandIn


def _later() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=1)


@pytest.fixture
def standin(settings):
    with StandIn(api_key="khoa-thu") as server:
        settings.TRUYXUAT_NATIONAL_PORTAL_URL = server.url
        settings.TRUYXUAT_NATIONAL_PORTAL_KEY = "khoa-thu"
        settings.TRUYXUAT_NATIONAL_PORTAL_BACKOFF = 0.01
        settings.TRUYXUAT_NATIONAL_PORTAL_ATTEMPTS = 4
        yield server


def test_a_publication_reaches_the_portal_once_though_two_attempts_fail(standin, officer, organization):
    lot = LotFactory(product=ProductFactory(organization=organization), status="published", published_at=timezone.now())
    standin.fail_next(2)
    record = enqueue_published(actor=officer, instance=lot)
    assert record is not None and record.status == "queued"
    assert run_jobs(until=_later()) == 3
    record.refresh_from_db()
    assert (record.status, record.attempts) == ("accepted", 3)
    assert [a.outcome for a in record.deliveries.all()] == ["retrying", "retrying", "accepted"]
    assert [a.http_status for a in record.deliveries.all()] == [503, 503, 200]
    received = standin.records()
    assert len(received) == 1 and standin.requests == 3
    assert received[0]["recordId"] == f"VN-51:lot:{lot.product.gtin}/{lot.lot_code}"
    assert received[0]["data"]["lotCode"] == lot.lot_code and received[0]["data"]["expiryDate"] == "2027-10-01"
    assert enqueue_published(actor=officer, instance=lot) is None  # unchanged: nothing queued again
    assert run_jobs(until=_later()) == 0 and standin.requests == 3


def test_a_refusal_shows_on_the_officers_page_and_can_be_replayed(standin, officer, organization, client):
    product = ProductFactory(organization=organization, name="Cà phê bột Đăk Hà")
    standin.refuse(f"VN-51:product:{product.gtin}", "Thiếu giấy chứng nhận an toàn thực phẩm")
    enqueue_published(actor=officer, instance=product)
    run_jobs(until=_later())
    record = PortalRecord.objects.get()
    assert (record.status, record.attempts, record.refused_reason) == (
        "refused",
        1,
        "Thiếu giấy chứng nhận an toàn thực phẩm",
    )
    client.force_login(officer)
    page = client.get("/trao-doi/cong-quoc-gia/?status=refused").content.decode()
    assert "Cà phê bột Đăk Hà" in page and "Thiếu giấy chứng nhận an toàn thực phẩm" in page and "Bị từ chối" in page
    standin.refusals.clear()
    response = client.post(f"/trao-doi/cong-quoc-gia/{record.pk}/gui-lai")
    assert response.status_code == 302
    run_jobs(until=_later())
    record.refresh_from_db()
    assert record.status == "accepted" and len(standin.records()) == 1


def test_an_unreachable_portal_dead_letters_the_record(settings, officer, organization):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    settings.TRUYXUAT_NATIONAL_PORTAL_URL = f"http://127.0.0.1:{port}/records"
    settings.TRUYXUAT_NATIONAL_PORTAL_BACKOFF = 0.01
    settings.TRUYXUAT_NATIONAL_PORTAL_ATTEMPTS = 2
    enqueue_published(actor=officer, instance=organization)
    assert run_jobs(until=_later()) == 2
    record = PortalRecord.objects.get()
    assert (record.status, record.attempts) == ("dead", 2) and "refused" in record.last_error.lower()
    assert [a.http_status for a in record.deliveries.all()] == [None, None]
    replay(actor=officer, record=record)
    record.refresh_from_db()
    assert (record.status, record.attempts) == ("queued", 0)


def test_records_queued_without_an_endpoint_are_sent_once_it_is_set(settings, officer, organization):
    from django.core.management import CommandError, call_command

    settings.TRUYXUAT_NATIONAL_PORTAL_URL = ""
    enqueue_published(actor=officer, instance=organization)
    run_jobs(until=_later())
    assert PortalRecord.objects.get().status == "queued"
    with pytest.raises(CommandError, match="TRUYXUAT_NATIONAL_PORTAL_URL"):
        call_command("national", "send")
    with StandIn() as server:
        settings.TRUYXUAT_NATIONAL_PORTAL_URL = server.url
        call_command("national", "send")
        run_jobs(until=_later())
        assert PortalRecord.objects.get().status == "accepted" and len(server.records()) == 1
