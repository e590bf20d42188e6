"""Workspace pages through Django's test client: every page renders, forms call the services, errors show."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from catalog.models import Lot
from catalog.tests.factories import CertificateFactory
from diary.models import DiaryEntry
from diary.tests.factories import days_ago, farm, spraying
from logistics import services as logistics
from logistics.models import Shipment
from rules.models import RuleDecision


@pytest.fixture
def setup(organization, producer):
    area, product = farm(organization)
    return organization, area, product


@pytest.fixture
def member(client, producer):
    client.force_login(producer)
    return client


PAGES = [
    "dashboard",
    "diary",
    "diary_history",
    "lots",
    "harvest",
    "process",
    "pack",
    "shipments",
    "ship",
    "profile",
    "facilities",
    "areas",
    "area_new",
    "certificates",
    "products",
    "stamps",
    "feedback",
    "imports",
]


@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_for_a_member(member, setup, name):
    response = member.get(reverse(f"workspace:{name}"))
    assert response.status_code == 200
    assert b'nav class="bottom"' in response.content


def test_anonymous_is_sent_to_login_and_a_non_member_is_told_why(client, consumer):
    response = client.get(reverse("workspace:diary"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(consumer)
    response = client.get(reverse("workspace:dashboard"))
    assert response.status_code == 403
    assert "Đăng ký tổ chức" in response.content.decode()


def test_diary_form_without_javascript_records_and_shows_errors(member, setup):
    _org, area, _product = setup
    response = member.post(
        reverse("workspace:diary"), {"growing_area": area.pk, "activity": "spraying", "product_name": "Anvil"}
    )
    assert response.status_code == 400
    assert "Cần ghi thời gian cách ly" in response.content.decode()
    assert DiaryEntry.objects.count() == 0
    response = member.post(
        reverse("workspace:diary"),
        {"growing_area": area.pk, "activity": "spraying", "product_name": "Anvil", "phi_days": "14"},
    )
    assert response.status_code == 302
    entry = DiaryEntry.objects.get()
    assert (entry.activity, entry.phi_days, entry.source) == ("spraying", 14, "web")
    page = member.get(reverse("workspace:diary")).content.decode()
    assert "đang trong thời gian cách ly" in page


def test_harvest_then_blocked_submission_shows_reason_and_date(member, setup):
    org, area, product = setup
    spraying(org, area, ago=3, phi=14, name="Anvil 5SC")
    response = member.post(
        reverse("workspace:harvest"),
        {
            "product": product.pk,
            "area": [area.pk],
            f"qty_{area.pk}": "250",
            "unit": "KGM",
            "harvested_at": days_ago(0).date().isoformat(),
        },
    )
    lot = Lot.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("workspace:lot", args=[lot.pk])
    page = member.get(response["Location"]).content.decode()
    assert "Thời gian cách ly thuốc bảo vệ thực vật" in page
    allowed = (days_ago(3) + __import__("datetime").timedelta(days=14)).strftime("%d/%m/%Y")
    assert f"Được công bố từ ngày {allowed}" in page
    response = member.post(reverse("workspace:lot_submit", args=[lot.pk]), follow=True)
    lot.refresh_from_db()
    assert lot.status == "draft"
    assert allowed in response.content.decode()
    assert RuleDecision.objects.filter(lot=lot, trigger="submit").count() == 5


def test_ship_and_receiver_confirms_through_pages(client, setup, producer, other_producer, other_organization):
    org, area, product = setup
    lot = logistics.harvest(
        actor=producer, organization=org, data={"product": product, "growing_area": area, "quantity": "100"}
    )
    client.force_login(producer)
    response = client.post(
        reverse("workspace:ship"),
        {"to": "org", "receiver": other_organization.tax_code, "in_lot": [lot.pk], "in_quantity": ["80"]},
    )
    shipment = Shipment.objects.get()
    assert response.status_code == 302
    assert "Đang chờ bên nhận xác nhận" in client.get(response["Location"]).content.decode()
    client.force_login(other_producer)
    assert "Hàng đến chờ xác nhận" in client.get(reverse("workspace:dashboard")).content.decode()
    line = shipment.lines.get()
    response = client.post(
        reverse("workspace:shipment_confirm", args=[shipment.public_id]), {f"received_{line.pk}": "75"}
    )
    assert response.status_code == 400 and "ghi rõ lý do" in response.content.decode()
    client.post(
        reverse("workspace:shipment_confirm", args=[shipment.public_id]),
        {f"received_{line.pk}": "75", "note": "Thiếu 5 kg"},
    )
    shipment.refresh_from_db()
    assert shipment.status == "discrepancy"
    assert client.get(reverse("workspace:lot", args=[lot.pk])).status_code == 200


def test_lot_claim_page_flow(member, setup, producer):
    org, area, product = setup
    lot = logistics.harvest(
        actor=producer, organization=org, data={"product": product, "growing_area": area, "quantity": "10"}
    )
    member.post(reverse("workspace:lot_claims", args=[lot.pk]), {"claims": ["organic"]})
    assert RuleDecision.objects.get(lot=lot, rule="certificate_claim").outcome == "block"
    CertificateFactory(organization=org, kind="organic", scope="growing_area", growing_area=area)
    response = member.post(reverse("workspace:lot_check", args=[lot.pk]), HTTP_HX_REQUEST="true")
    assert "Các quy tắc đều đạt" in response.content.decode()


def test_import_diary_preview_then_all_or_nothing(member, setup):
    _org, area, _product = setup
    template = member.get(reverse("workspace:import_template", args=["diary"]))
    assert load_workbook(io.BytesIO(template.content)).worksheets[0]["A1"].value == "growing_area_code"
    good = (
        "growing_area_code,activity,date,product_name,phi_days\n"
        f"{area.code},spraying,{days_ago(2).date()},Anvil,14\n"
        f"{area.code},Tưới nước,{days_ago(1).date()},,\n"
    )
    bad = good + f"{area.code},spraying,{days_ago(1).date()},Regent,\nVT-NOPE,weeding,{days_ago(1).date()},,\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = member.post(
        reverse("workspace:imports"), {"kind": "diary", "file": SimpleUploadedFile("d.csv", bad.encode())}
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "<td>4</td>" in text and "<td>5</td>" in text and "VT-NOPE" in text
    assert DiaryEntry.objects.count() == 0
    response = member.post(
        reverse("workspace:imports"), {"kind": "diary", "file": SimpleUploadedFile("d.csv", good.encode())}
    )
    assert response.status_code == 200 and DiaryEntry.objects.count() == 0
    rows = response.context["rows_json"]
    response = member.post(reverse("workspace:imports"), {"kind": "diary", "step": "commit", "rows": rows})
    assert response.status_code == 200
    assert sorted(DiaryEntry.objects.values_list("activity", flat=True)) == ["irrigating", "spraying"]
    member.post(reverse("workspace:imports"), {"kind": "diary", "step": "commit", "rows": rows})
    assert DiaryEntry.objects.count() == 2


def test_service_worker_and_manifest(client):
    sw = client.get("/workspace/sw.js")
    assert sw.status_code == 200 and sw["Content-Type"].startswith("text/javascript")
    assert "/workspace/diary/" in sw.content.decode()
    manifest = client.get("/workspace/manifest.webmanifest")
    assert manifest.json()["scope"] == "/workspace/"


def test_import_lots_creates_harvest_lots_all_or_nothing(setup, producer):
    from workspace import imports

    org, area, product = setup
    rows = [
        {
            "product_gtin": product.gtin,
            "growing_area_code": area.code,
            "quantity": "500",
            "harvested_at": str(days_ago(1).date()),
        },
        {"product_gtin": "08930000999996", "growing_area_code": area.code, "quantity": "5", "harvested_at": ""},
    ]
    report = imports.commit(actor=producer, organization=org, kind="lots", rows=rows)
    assert [n for n, _m in report.errors] == [3]
    assert Lot.objects.count() == 0
    report = imports.commit(actor=producer, organization=org, kind="lots", rows=rows[:1])
    assert report.written == 1
    assert Lot.objects.get().quantity == 500


def test_certificate_reminders_once_per_threshold(setup):
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone

    from notifications.models import Notification

    org, _area, _product = setup
    CertificateFactory(organization=org, valid_to=timezone.localdate() + dt.timedelta(days=30))
    call_command("certificate_reminders", stdout=io.StringIO())
    call_command("certificate_reminders", stdout=io.StringIO())
    [note] = Notification.objects.filter(organization=org)
    assert "còn 30 ngày" in note.title and note.link == "/workspace/certificates/"


def test_receiver_is_notified_of_an_incoming_shipment(setup, producer, other_organization):
    from notifications.models import Notification

    org, area, product = setup
    lot = logistics.harvest(
        actor=producer, organization=org, data={"product": product, "growing_area": area, "quantity": "9"}
    )
    logistics.create_shipment(
        actor=producer,
        organization=org,
        data={"receiver": other_organization, "lines": [{"lot": lot, "quantity": "9"}]},
    )
    [note] = Notification.objects.filter(organization=other_organization)
    assert note.title == f"Hàng đến từ {org.name}: chờ bạn xác nhận"
