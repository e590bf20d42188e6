"""Counterfeit reports: filed from an unknown code with a photo, where bought and a shared location, routed to the
agency's complaints queue, listed and mapped for the officers of the province only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.tests.factories import UserFactory
from catalog.tests.factories import AgencyFactory
from complaints import selectors as complaint_selectors
from complaints import services as complaint_services
from core import files
from core.models import AuditEntry
from core.tests.filematrix import png
from feedback.models import Feedback
from portal.tests.factories import published_lot

pytestmark = pytest.mark.django_db

UNKNOWN = "/01/08938505974200/10/GIA-01"


def _photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("tem.png", png(), content_type="image/png")


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Post the form as a phone would; callbacks after commit (the complaints routing) run as in production."""

    def send(**extra: str) -> object:
        with django_capture_on_commit_callbacks(execute=True):
            return _post(client, **extra)

    return send


def _post(client: Client, **extra: str) -> object:
    data = {
        "code": UNKNOWN,
        "where_bought": "Chợ Kon Tum, quầy 12",
        "message": "Tem không quét được",
        "latitude": "14.354321",
        "longitude": "108.008765",
        "website": "",
        **extra,
    }
    return client.post("/phan-anh/hang-nghi-gia", {**data, "photo": _photo()})


def test_unknown_code_feedback_link_opens_the_report_form(client, agency):
    r = client.get("/phan-anh/gui", {"code": UNKNOWN})
    assert r.status_code == 302 and r["Location"].startswith("/phan-anh/hang-nghi-gia?code=")
    page = client.get(r["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "Báo hàng nghi giả" in text and f'value="{UNKNOWN}"' in text and "Not Found" not in text
    assert "geolocation=(self)" in page["Permissions-Policy"] and "camera=()" in page["Permissions-Policy"]


def test_not_registered_page_offers_the_report(client):
    page = client.get(UNKNOWN).content.decode()
    assert 'id="report-counterfeit"' in page and "/phan-anh/hang-nghi-gia?code=%2F01%2F08938505974200" in page


def test_report_is_stored_with_photo_rounded_location_and_routed(client, agency, post):
    r = post()
    assert r.status_code == 302
    item = Feedback.objects.get()
    assert r["Location"] == f"/phan-anh/{item.tracking_code}?moi=1"
    assert item.kind == "counterfeit" and item.product is None and item.organization == agency
    assert item.code == UNKNOWN and item.where_bought == "Chợ Kon Tum, quầy 12"
    assert (item.latitude, item.longitude) == (Decimal("14.35"), Decimal("108.01"))
    assert item.photo.name.endswith(".png")
    assert (
        AuditEntry.objects.filter(object_type="feedback.feedback", object_id=str(item.pk), action="create").count() == 1
    )
    assert item.case.agency == agency  # routed after commit: in the complaints queue
    follow = client.get(r["Location"]).content.decode()
    assert item.tracking_code in follow and UNKNOWN in follow and "Chợ Kon Tum, quầy 12" in follow
    assert Client().get(files.url(item.photo)).status_code == 404  # private


def test_location_only_when_shared_and_bad_input_refused(client, agency, post):
    assert post(latitude="", longitude="").status_code == 302
    assert Feedback.objects.get().latitude is None
    r = post(latitude="NaN", longitude="108")
    assert r.status_code == 400 and "Vị trí không hợp lệ." in r.content.decode()
    r = post(code="")
    assert r.status_code == 400
    fake = SimpleUploadedFile("tem.png", b"<html>not an image</html>", content_type="image/png")
    r = client.post("/phan-anh/hang-nghi-gia", {"code": UNKNOWN, "photo": fake})
    assert r.status_code == 400
    assert Feedback.objects.count() == 1


def test_code_of_a_registered_product_goes_to_its_producer(agency, django_capture_on_commit_callbacks):
    lot = published_lot()
    with django_capture_on_commit_callbacks(execute=True):
        item = complaint_services.report_counterfeit(
            actor=None,
            code=f"https://id.gs1.org/01/{lot.product.gtin}/21/SAO-CHEP",
            address="10.0.0.9",
            data={"where_bought": "Sạp 4"},
        )
    assert item.product == lot.product and item.organization == lot.product.organization
    assert item.serial == "SAO-CHEP" and item.case.agency == agency


def test_officer_of_the_province_sees_list_map_and_report(client, agency, officer, post):
    post()
    item = Feedback.objects.get()
    client.force_login(officer)
    page = client.get("/oversight/hang-nghi-gia/").content.decode()
    assert item.tracking_code in page and "Chợ Kon Tum, quầy 12" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and "<circle" in page
    detail = client.get(f"/oversight/hang-nghi-gia/{item.pk}/")
    assert detail.status_code == 200
    text = detail.content.decode()
    assert (
        UNKNOWN in text and f'src="{files.url(item.photo)}"' in text and f"/oversight/phan-anh/{item.case.pk}/" in text
    )
    assert client.get(files.url(item.photo)).status_code == 200
    assert [c.feedback_id for c in complaint_selectors.open_cases(officer)] == [item.pk]
    queue = client.get("/oversight/phan-anh/").content.decode()
    assert item.tracking_code in queue


def test_officer_of_another_province_does_not(client, agency, settings, post):
    post()
    item = Feedback.objects.get()
    settings.TRUYXUAT_PROVINCE_CODE = 52
    other = UserFactory(username="officer52", agency=AgencyFactory(province_code=52))
    client.force_login(other)
    page = client.get("/oversight/hang-nghi-gia/").content.decode()
    assert item.tracking_code not in page and "Không có báo cáo nào." in page
    assert client.get(f"/oversight/hang-nghi-gia/{item.pk}/").status_code == 403
    assert client.get(files.url(item.photo)).status_code == 404
    assert list(complaint_selectors.cases(other)) == []


def test_anonymous_and_producers_cannot_open_the_officer_pages(client, agency, producer, post):
    post()
    item = Feedback.objects.get()
    assert client.get("/oversight/hang-nghi-gia/").status_code == 302
    client.force_login(producer)
    assert client.get("/oversight/hang-nghi-gia/").status_code == 403
    assert client.get(f"/oversight/hang-nghi-gia/{item.pk}/").status_code == 403


def test_unknown_serial_page_offers_the_report_and_names_the_product(client, agency):
    lot = published_lot()
    item_path = f"/01/{lot.product.gtin}/21/KHONG-CO"
    page = client.get(item_path).content.decode()
    assert 'id="report-counterfeit"' in page
    form = client.get("/phan-anh/hang-nghi-gia", {"code": item_path}).content.decode()
    assert 'id="counterfeit-subject"' in form and lot.product.name in form
