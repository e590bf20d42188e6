"""The officers' exchange pages: the open-data pushes (and "push now") and the province's EUDR statements.

Each page is opened by every row of the permission matrix; the push runs against a real HTTP warehouse on loopback
that refuses the first try, so the page shows a refusal, the answer, the files' SHA-256 and the retry.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.tests.factories import UserFactory
from catalog.models import PriorityCategory
from catalog.tests.factories import AgencyFactory, LotFactory, OrganizationFactory, ProductFactory
from core.models import AuditEntry
from core.tests.jobs import run_jobs
from exchange.models import DueDiligenceStatement, OpenDataPush, OpenDataPushRun
from exchange.opendata.push import progress_key, request_push
from exchange.tests.test_opendata_push import Warehouse

PUSHES = "/trao-doi/du-lieu-mo/day-len/"
PUSH_NOW = "/trao-doi/du-lieu-mo/day-len/gui-ngay/"
STATEMENTS = "/trao-doi/eudr/toan-tinh/"


@pytest.fixture
def elsewhere(db):
    """An officer of an approved agency of another province (Hà Nội, 1)."""
    return UserFactory(username="canbo-tinh-khac", agency=AgencyFactory(province_code=1))


@pytest.fixture
def target(settings, tmp_path):
    settings.TRUYXUAT_OPEN_DATA_DIR = tmp_path / "od"
    settings.TRUYXUAT_OPEN_DATA_PUSH_KEY = "kho-tinh"
    with Warehouse() as server:
        settings.TRUYXUAT_OPEN_DATA_PUSH_URL = server.url
        yield server


def _status(client, user, method: str, path: str, data: dict | None = None) -> int:
    client.logout()
    if user is not None and user.is_authenticated:
        client.force_login(user)
    response = client.post(path, data or {}) if method == "post" else client.get(path)
    return response.status_code


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("anonymous", 302),
        ("consumer", 403),
        ("other_producer", 403),
        ("producer", 403),
        ("elsewhere", 403),
        ("officer", 200),
    ],
)
@pytest.mark.parametrize("path", [PUSHES, PUSH_NOW, STATEMENTS])
def test_the_pages_open_only_for_the_provinces_officers(client, actors, elsewhere, target, who, code, path):
    user = elsewhere if who == "elsewhere" else actors[who]
    assert _status(client, user, "get", path) == code


@pytest.mark.parametrize(
    ("who", "code"),
    [("anonymous", 302), ("consumer", 403), ("other_producer", 403), ("producer", 403), ("elsewhere", 403)],
)
def test_only_the_provinces_officers_can_push_now(client, actors, elsewhere, target, who, code):
    user = elsewhere if who == "elsewhere" else actors[who]
    assert _status(client, user, "post", PUSH_NOW, {"confirm": "yes"}) == code
    if user.is_authenticated:
        with pytest.raises(PermissionDenied):
            request_push(actor=user)
    assert OpenDataPushRun.objects.count() == 0


def test_push_now_asks_for_confirmation_then_runs_as_a_job_and_the_page_shows_each_try(
    client, officer, organization, target
):
    LotFactory(
        product=ProductFactory(organization=organization),
        lot_code="P1",
        status="published",
        published_at=timezone.now(),
    )
    target.answers = [503]
    client.force_login(officer)
    confirm = client.get(PUSH_NOW).content.decode()
    assert target.url in confirm and "Bản phát hành đang chờ gửi: 0" in confirm
    unconfirmed = client.post(PUSH_NOW, {})
    assert unconfirmed.status_code == 400 and "Hãy xác nhận trước khi đẩy" in unconfirmed.content.decode()
    assert OpenDataPushRun.objects.count() == 0

    assert client.post(PUSH_NOW, {"confirm": "yes"}).status_code == 302
    run = OpenDataPushRun.objects.get()
    assert (run.status, run.requested_by, run.target) == ("queued", officer, target.url)
    assert (
        AuditEntry.objects.filter(
            object_type="exchange.opendatapushrun", object_id=str(run.pk), action="create"
        ).count()
        == 1
    )
    again = client.post(PUSH_NOW, {"confirm": "yes"})
    assert again.status_code == 400 and "Đang có một lần đẩy chờ chạy hoặc đang chạy" in again.content.decode()
    waiting = client.get(PUSHES).content.decode()
    assert "Chờ chạy" in waiting and "Đang chờ đến lượt chạy" in waiting and 'http-equiv="refresh"' in waiting

    assert run_jobs() == 1
    run.refresh_from_db()
    assert (run.status, run.sent, run.accepted, run.error) == ("done", 1, 0, "")
    refused = OpenDataPush.objects.get()
    assert (refused.run, refused.http_status, refused.accepted) == (run, 503, False)
    page = client.get(PUSHES).content.decode()
    assert "Bị từ chối" in page and "HTTP 503" in page and "kho bận / busy" in page and "lần gửi đầu" in page
    assert "Đã gửi 1 bản phát hành, 0 bản được nhận." in page and 'http-equiv="refresh"' not in page
    assert "Lô hàng đã công bố / Published lots" in page and refused.sha256 in page
    assert all(f.sha256 in page for f in refused.release.files.all())

    assert client.post(PUSH_NOW, {"confirm": "yes"}).status_code == 302
    assert run_jobs() == 1
    tries = list(OpenDataPush.objects.order_by("id").values_list("release__kind", "http_status"))
    assert tries == [("snapshot", 503), ("snapshot", 201), ("changes", 201)]
    page = client.get(PUSHES).content.decode()
    assert "lần thử thứ 2" in page and page.count("Được nhận") == 2
    assert OpenDataPushRun.objects.first().accepted == 2


def test_without_a_target_nothing_is_requested_and_the_page_says_why(client, officer, settings):
    settings.TRUYXUAT_OPEN_DATA_PUSH_URL = ""
    client.force_login(officer)
    assert "Chưa cấu hình địa chỉ kho dữ liệu của tỉnh" in client.get(PUSH_NOW).content.decode()
    response = client.post(PUSH_NOW, {"confirm": "yes"})
    assert response.status_code == 400 and "No warehouse address is configured" in response.content.decode()
    with pytest.raises(ValidationError):
        request_push(actor=officer)
    assert OpenDataPushRun.objects.count() == 0


def test_a_run_that_cannot_write_its_release_fails_with_the_reason_and_sends_nothing(
    officer, target, tmp_path, settings
):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    settings.TRUYXUAT_OPEN_DATA_DIR = blocker
    run = request_push(actor=officer)
    assert run_jobs() == 1
    run.refresh_from_db()
    assert run.status == "failed" and run.error != "" and run.sent == 0
    assert OpenDataPush.objects.count() == 0 and target.received == []


def test_a_running_push_shows_its_stage(client, officer, target):
    run = OpenDataPushRun.objects.create(requested_by=officer, target=target.url, status="running")
    cache.set(progress_key(run.pk), "Đang gửi bản phát hành 1/2", 60)
    client.force_login(officer)
    page = client.get(PUSHES).content.decode()
    cache.delete(progress_key(run.pk))
    assert "Đang gửi bản phát hành 1/2" in page and 'http-equiv="refresh"' in page


def _statement(org, kind: str, key: str, **extra) -> DueDiligenceStatement:
    values = {"commodity": "coffee", "hs_code": "0901", "plot_count": 3, "geojson_sha256": "0" * 64, **extra}
    return DueDiligenceStatement.objects.create(organization=org, subject_kind=kind, subject_key=key, **values)


def test_the_statements_page_lists_the_province_within_the_officers_communes(client, officer, elsewhere):
    here = OrganizationFactory(name="HTX Cà phê Đăk Hà", ward_code=23425)
    other_commune = OrganizationFactory(name="Công ty Cao su Sa Thầy", ward_code=23500)
    other_province = OrganizationFactory(name="Công ty Hà Nội", province_code=1, ward_code=10)
    _statement(
        here,
        "lot",
        "08930000000017/L01",
        reference_number="26VNABCD123456",
        verification_number="XK9",
        status="filed",
        filed_at=timezone.now(),
    )
    _statement(here, "season", f"08930000000024:{dt.date(2026, 1, 1)}:{dt.date(2026, 6, 30)}")
    _statement(other_commune, "lot", "08930000000031/R1")
    _statement(other_province, "lot", "08930000000048/H1")
    client.force_login(officer)
    page = client.get(STATEMENTS).content.decode()
    assert "HTX Cà phê Đăk Hà" in page and "Công ty Cao su Sa Thầy" in page and "Công ty Hà Nội" not in page
    assert "26VNABCD123456" in page and "XK9" in page and "lô L01 (GTIN 08930000000017)" in page
    assert "GTIN 08930000000024, sản xuất 01/01/2026–30/06/2026" in page and "Cà phê" in page
    assert ">coffee<" not in page and "chưa có" in page
    filed = client.get(STATEMENTS, {"status": "filed"}).content.decode()
    assert "26VNABCD123456" in filed and "Công ty Cao su Sa Thầy" not in filed

    officer.agency.scope_ward_codes = [23425]
    officer.agency.save()
    officer.refresh_from_db()
    client.force_login(officer)
    scoped = client.get(STATEMENTS).content.decode()
    assert "HTX Cà phê Đăk Hà" in scoped and "Công ty Cao su Sa Thầy" not in scoped

    officer.agency.scope_ward_codes = []
    officer.agency.save()
    officer.agency.scope_categories.set([PriorityCategory.objects.get(code="rubber")])
    _statement(other_commune, "lot", "08930000000055/R2", commodity="rubber", hs_code="4001")
    officer.refresh_from_db()
    rubber = client.get(STATEMENTS).content.decode()
    assert "lô R2 (GTIN 08930000000055)" in rubber and "Cao su" in rubber and "HTX Cà phê Đăk Hà" not in rubber


def test_the_statements_page_is_paginated(client, officer):
    org = OrganizationFactory(name="HTX Nhiều hồ sơ")
    for i in range(27):
        _statement(org, "lot", f"08930000000017/L{i:02d}")
    client.force_login(officer)
    first = client.get(STATEMENTS).content.decode()
    second = client.get(STATEMENTS, {"page": 2}).content.decode()
    assert first.count("HTX Nhiều hồ sơ") == 25 and second.count("HTX Nhiều hồ sơ") == 2
    assert "Trang 1/2" in first and "Trang 2/2" in second


def test_the_pages_read_in_english_too(client, officer, settings):
    settings.TRUYXUAT_OPEN_DATA_PUSH_URL = ""
    client.force_login(officer)
    client.cookies["django_language"] = "en"
    pushes = client.get(PUSHES, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Open-data pushes to the province's data warehouse" in pushes and "Nothing sent yet." in pushes
    statements = client.get(STATEMENTS, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "EUDR due-diligence statements of the province's businesses" in statements
    assert "No statements yet." in statements


def test_the_scheduled_push_steps_aside_while_an_officers_run_goes(officer, organization, target):
    from exchange.opendata.push import push_job

    OpenDataPushRun.objects.create(requested_by=officer, target=target.url, status="running")
    LotFactory(product=ProductFactory(organization=organization), status="published", published_at=timezone.now())
    assert push_job.call() == 0
    assert OpenDataPush.objects.count() == 0 and target.received == []
