"""The dashboard as a to-do list: a new organisation's four first steps, then what needs doing, in words;
notifications read and dismissed (only one's own, POST with CSRF); the page's queries pinned."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from catalog.models import Lot
from catalog.tests.factories import GrowingAreaFactory, LotFactory, ProductFactory
from core.models import AuditEntry
from diary.tests.factories import DiaryEntryFactory, days_ago, farm, spraying
from logistics import services as logistics
from notifications.services import notify_organization
from rules import services as rules

DASHBOARD = "/workspace/"


@pytest.fixture
def member(client, producer):
    client.force_login(producer)
    return client


def _steps(html: str) -> str:
    return html.split('id="first-steps"')[1].split("</section>")[0]


def test_an_empty_organisation_is_led_through_four_steps(member, organization):
    response = member.get(DASHBOARD)
    html = response.content.decode()
    steps = _steps(html)
    assert [s.split('"')[0] for s in steps.split('data-step="')[1:]] == ["area", "product", "diary", "harvest"]
    assert 'href="/workspace/areas/new/"' in steps
    assert 'href="/workspace/products/?new=1"' in steps
    assert 'href="/workspace/diary/"' in steps
    assert 'href="/workspace/harvest/"' in steps
    assert steps.count("btn wide primary") == 1  # the next step stands out: the first one
    assert "Còn 4 bước" in steps
    assert "Không có việc gì đang chờ" not in html
    assert '<span class="count" id="todo-count">4</span>' in html
    assert "Chưa có lô hàng nào." in html
    assert "/api/docs" not in html
    # the product step's link opens the product form
    assert '<details id="new-product" open>' in member.get("/workspace/products/?new=1").content.decode()


def test_done_steps_are_ticked_and_the_next_one_stands_out(member, organization):
    GrowingAreaFactory(organization=organization)
    ProductFactory(organization=organization)
    steps = _steps(member.get(DASHBOARD).content.decode())
    assert steps.count('class="step done"') == 2
    assert "Còn 2 bước" in steps
    assert 'class="btn wide primary" href="/workspace/diary/"' in steps
    assert 'href="/workspace/areas/new/"' not in steps


def test_the_steps_go_away_once_the_first_harvest_is_recorded(member, organization, producer):
    area, product = farm(organization)
    DiaryEntryFactory(organization=organization, growing_area=area)
    logistics.harvest(
        actor=producer, organization=organization, data={"product": product, "growing_area": area, "quantity": "10"}
    )
    html = member.get(DASHBOARD).content.decode()
    assert 'id="first-steps"' not in html
    assert "bước để bắt đầu" not in html


def test_a_seeded_organisation_sees_its_to_dos_in_words(member, organization, producer, other_organization):
    area, product = farm(organization)
    DiaryEntryFactory(organization=organization, growing_area=area)
    spraying(organization, area, ago=3, phi=14, name="Anvil 5SC")
    blocked = logistics.harvest(
        actor=producer, organization=organization, data={"product": product, "growing_area": area, "quantity": "10"}
    )
    rules.check_lot(actor=producer, lot=blocked)
    product.brand, product.image = "Cà phê Thôn 4", "products/2026/x.png"
    product.save()
    ready = LotFactory(product=product, lot_code="SAN-SANG", origin_areas=[area])
    incomplete = LotFactory(product=product, lot_code="THIEU-HSD", expiry_date=None, origin_areas=[area])
    LotFactory(product=product, lot_code="DA-CONG-BO", status="published", origin_areas=[area])
    html = member.get(DASHBOARD).content.decode()
    allowed = (days_ago(3).date() + dt.timedelta(days=14)).strftime("%d/%m/%Y")
    assert f"Lô {blocked.lot_code} (Cà phê nhân) chưa được công bố" in html
    assert f"Được công bố từ ngày {allowed}" in html
    assert "Thời gian cách ly thuốc bảo vệ thực vật: Thu hoạch ngày" in html
    assert "pre_harvest_interval" not in html and " v1" not in html
    assert f'href="/workspace/lots/{ready.pk}/">📤 <strong>Lô sẵn sàng gửi duyệt</strong>' in html
    assert f"Lô {incomplete.lot_code} cần bổ sung trước khi gửi duyệt" in html
    assert "Còn thiếu: hạn sử dụng" in html
    assert "3 lô nháp · 1 lô đã công bố" in html
    assert "draft" not in html.split('id="lot-summary"')[1].split("</p>")[0].split("href")[0]
    assert '<span class="count" id="todo-count">3</span>' in html  # blocked, ready, incomplete


def test_stamps_to_print(member, organization, producer, officer):
    from stamps.services import approve_batch, request_batch

    _area, product = farm(organization)
    batch = request_batch(actor=producer, product=product, quantity=65)
    approve_batch(actor=officer, batch=batch)
    html = member.get(DASHBOARD).content.decode()
    assert "Tem đã được cấp, chờ in</strong> — Cà phê nhân · 65 tem" in html


def test_notifications_are_news_not_work_and_can_be_read_and_dismissed(member, organization, producer):
    area, product = GrowingAreaFactory(organization=organization), ProductFactory(organization=organization)
    DiaryEntryFactory(organization=organization, growing_area=area)
    logistics.harvest(
        actor=producer, organization=organization, data={"product": product, "growing_area": area, "quantity": "10"}
    )
    Lot.objects.all().update(status="published")
    first = notify_organization(organization, kind="review", title="Hồ sơ đã được duyệt", link="/workspace/lots/")
    second = notify_organization(organization, kind="other", title="Lịch kiểm tra tháng 12")
    html = member.get(DASHBOARD).content.decode()
    assert "Không có việc gì đang chờ." in html
    assert '<span class="count zero" id="todo-count">0</span>' in html
    assert '<span class="count" id="news-count">2</span>' in html
    assert f'id="notification-{first.pk}"' in html and f'id="notification-{second.pk}"' in html

    response = member.post(reverse("workspace:notification_read", args=[first.pk]), {"open": "1"})
    assert (response.status_code, response["Location"]) == (302, "/workspace/lots/")
    first.refresh_from_db()
    assert first.read_at is not None and first.dismissed_at is None
    response = member.post(reverse("workspace:notification_dismiss", args=[second.pk]), {"next": DASHBOARD})
    assert (response.status_code, response["Location"]) == (302, DASHBOARD)
    second.refresh_from_db()
    assert second.read_at is not None and second.dismissed_at is not None
    html = member.get(DASHBOARD).content.decode()
    assert '<span class="count zero" id="news-count">0</span>' in html
    assert "Không có thông báo mới." in html
    listing = member.get(reverse("workspace:notifications")).content.decode()
    assert f'id="notification-{first.pk}"' in listing and f'id="notification-{second.pk}"' not in listing
    assert AuditEntry.objects.filter(object_type="notifications.notification").count() == 2


def test_notification_buttons_need_post_csrf_and_ownership(organization, producer, other_producer):
    note = notify_organization(organization, kind="other", title="Tin riêng")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(producer)
    assert strict.post(reverse("workspace:notification_dismiss", args=[note.pk])).status_code == 403  # no token
    assert strict.get(reverse("workspace:notification_dismiss", args=[note.pk])).status_code == 405
    stranger = Client()
    stranger.force_login(other_producer)
    for name in ("workspace:notification_read", "workspace:notification_dismiss"):
        assert stranger.post(reverse(name, args=[note.pk])).status_code == 404
    stranger.post(reverse("workspace:notifications_read_all"))
    note.refresh_from_db()
    assert (note.read_at, note.dismissed_at) == (None, None)
    assert f'id="notification-{note.pk}"' not in stranger.get(reverse("workspace:notifications")).content.decode()
    mine = Client()
    mine.force_login(producer)
    response = mine.post(reverse("workspace:notifications_read_all"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("workspace:notifications")
    note.refresh_from_db()
    assert note.read_at is not None


def test_an_outside_link_in_a_notification_is_not_followed(member, organization):
    note = notify_organization(organization, kind="other", title="Lạ", link="https://evil.example/x")
    response = member.post(reverse("workspace:notification_read", args=[note.pk]), {"open": "1"})
    assert response["Location"] == reverse("workspace:notifications")


def test_dashboard_query_count_is_pinned(member, organization, producer, django_assert_num_queries):
    """Session, user, memberships (3), the to-dos (13: two of them prefetches that run only when there are rows),
    lot counts and the two charts (4)."""
    member.get(DASHBOARD)  # sessions and caches warmed
    with django_assert_num_queries(19):
        assert member.get(DASHBOARD).status_code == 200
    area, product = farm(organization)
    spraying(organization, area, ago=3, phi=14)
    for _ in range(3):
        lot = logistics.harvest(
            actor=producer, organization=organization, data={"product": product, "growing_area": area, "quantity": "5"}
        )
        rules.check_lot(actor=producer, lot=lot)
    for n in range(3):
        LotFactory(product=product, origin_areas=[area], lot_code=f"R{n}")
        notify_organization(organization, kind="other", title=f"Tin {n}")
    # the same with three blocked lots, three ready, three notifications: no query per row
    with django_assert_num_queries(21):
        assert member.get(DASHBOARD).status_code == 200


def test_english_dashboard_says_it_in_english(member, organization, producer):
    area, product = farm(organization)
    LotFactory(product=product, origin_areas=[area])
    member.cookies["django_language"] = "en"
    html = member.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Get started in 4 steps" in html and "1 step left." in html
    assert "Write the first diary entry" in html and "Register a growing area" in html
    assert "1 draft lot" in html and "lô nháp" not in html
    assert "No new notifications." in html
