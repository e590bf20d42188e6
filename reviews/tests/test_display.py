"""Review screens in plain words: field labels, names instead of ids and codes, dd/mm/yyyy, Vietnamese numbers and
unit names, the lot's own status, the return reason on the producer's lot page (issue 16 item 4)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from catalog import services as catalog_services
from catalog.models import PriorityCategory, Product
from catalog.tests.factories import GrowingAreaFactory, LotFactory, ProductFactory
from core import audit
from quality.models import LotHold
from reviews import display, services
from reviews.models import Review

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


class _Text(HTMLParser):
    """The text a reader sees inside the element with `id` (or the whole page), scripts and styles left out."""

    def __init__(self, element_id: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.element_id, self.depth, self.skip = element_id, 0 if element_id else 1, 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "input", "img", "meta", "link"):
            return
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("id") == self.element_id:
            self.depth = 1
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1
        if self.depth and self.element_id:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.parts.append(data)


def text(html: str, element_id: str | None = None) -> str:
    parser = _Text(element_id)
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


@pytest.fixture
def coffee_lot(organization):
    """The issue's lot: 6 kg of green coffee from the plot VT-51-TMR-0001, submitted for publication."""
    organization.ward_code = 23473
    organization.save()
    area = GrowingAreaFactory(organization=organization, code="VT-51-TMR-0001", name="Vườn ông Tám")
    product = ProductFactory(organization=organization, name="Cà phê nhân Măng Đen", gtin="08930000000017")
    return LotFactory(
        product=product,
        lot_code="CP-2611",
        quantity=Decimal("6"),
        unit="KGM",
        production_date=dt.date(2026, 11, 2),
        expiry_date=dt.date(2027, 5, 2),
        origin_areas=[area],
        status="submitted",
    )


RAW = ("Product 1", "Product object", "['", "KGM", "cooperative", "6.000", "6,000", "23473", "product_id", "None")


def _assert_plain(shown: str) -> None:
    for raw in RAW:
        assert raw not in shown, raw
    assert not ISO_DATE.search(shown), ISO_DATE.search(shown)


def test_new_lot_review_shows_names_dates_numbers_and_units(client, officer, coffee_lot):
    client.force_login(officer)
    html = client.get(reverse("oversight:review", args=["catalog.lot", coffee_lot.pk])).content.decode()
    diff = text(html, "changes")
    _assert_plain(diff)
    assert "Sản phẩm Cà phê nhân Măng Đen 08930000000017" in diff
    assert "Số lô CP-2611" in diff
    assert "Ngày sản xuất/thu hoạch 02/11/2026" in diff
    assert "Hạn sử dụng 02/05/2027" in diff
    assert "Số lượng 6 kg" in diff
    assert "Đơn vị kg" in diff
    assert "Vùng trồng nguồn gốc Vườn ông Tám VT-51-TMR-0001" in diff


def test_organisation_review_shows_kind_label_and_ward_name(client, officer, consumer):
    org = catalog_services.register_organization(
        actor=consumer,
        data={
            "name": "HTX Cà phê Măng Đen",
            "kind": "cooperative",
            "tax_code": "0314409058",
            "ward_code": 23473,
            "street_address": "Thôn 3",
        },
    )
    client.force_login(officer)
    html = client.get(reverse("oversight:review", args=["catalog.organization", org.pk])).content.decode()
    diff = text(html, "changes")
    _assert_plain(diff)
    assert "Loại hình Hợp tác xã" in diff
    assert "Xã/phường Xã Măng Đen" in diff
    assert "Tỉnh/thành phố Quảng Ngãi" in diff
    header = text(html, "subject")
    assert "Hợp tác xã" in header and "cooperative" not in header
    assert "Tổ chức: Chờ duyệt" in header


def test_master_data_change_and_its_decision_page_in_plain_words(client, officer, producer, organization):
    product: Product = ProductFactory(organization=organization, name="Cà phê bột")  # type: ignore[assignment]
    before = audit.snapshot(product)
    product.name = "Cà phê bột nguyên chất"
    product.category = PriorityCategory.objects.get(code="vegetables")
    product.shelf_life_days = 1200
    product.save()
    audit.record(actor=producer, action="update", instance=product, before=before, organization_id=organization.pk)
    client.force_login(officer)
    queue = text(client.get(reverse("oversight:reviews") + "?tab=master_data").content.decode(), "queue")
    assert "Cà phê bột nguyên chất" in queue and "Sản phẩm" in queue
    assert "catalog.product" not in queue
    html = client.get(reverse("oversight:review", args=["catalog.product", product.pk])).content.decode()
    diff = text(html, "changes")
    _assert_plain(diff)
    assert "Tên sản phẩm Cà phê bột Cà phê bột nguyên chất" in diff
    assert "Hạn sử dụng (ngày) — 1.200" in diff
    assert "category" not in diff
    review = services.approve(actor=officer, subject=product)
    for viewer in (officer, producer):
        client.force_login(viewer)
        page = client.get(reverse("oversight:review_decision", args=[review.pk]))
        assert page.status_code == 200
        shown = text(page.content.decode(), "changes")
        _assert_plain(shown)
        assert "Tên sản phẩm Cà phê bột Cà phê bột nguyên chất" in shown
        assert "name" not in shown.split()


def test_pending_lot_shows_its_own_status_and_hold_not_the_organisations(client, officer, coffee_lot):
    client.force_login(officer)
    url = reverse("oversight:review", args=["catalog.lot", coffee_lot.pk])
    html = client.get(url).content.decode()
    assert text(html, "lot-state") == "Chờ duyệt công bố"
    assert text(html, "org-state") == "Đã duyệt"
    LotHold.objects.create(lot=coffee_lot, reason="Chlorpyrifos 0,12 mg/kg > 0,05", held_by=officer)
    html = client.get(url).content.decode()
    assert text(html, "lot-state") == "Đang tạm giữ"
    assert 'id="lot-state"' in html and 'class="badge bad" id="lot-state"' in html
    queue = client.get(reverse("oversight:reviews")).content.decode()
    assert "Đang tạm giữ" in text(queue, "queue")


def test_return_reason_on_the_producers_lot_page_until_resubmitted(client, officer, producer, coffee_lot):
    url = reverse("workspace:lot", args=[coffee_lot.pk])
    client.force_login(producer)
    assert 'id="lot-returned"' not in client.get(url).content.decode()
    review = services.request_changes(actor=officer, subject=coffee_lot, reason="Ảnh nhãn bị mờ, chụp lại giúp")
    html = client.get(url).content.decode()
    returned = text(html, "lot-returned")
    assert "yêu cầu sửa lô này" in returned
    assert "Ảnh nhãn bị mờ, chụp lại giúp" in returned
    assert review.decided_at.astimezone().strftime("%d/%m/%Y") in returned
    assert reverse("oversight:review_decision", args=[review.pk]) in html
    coffee_lot.refresh_from_db()
    coffee_lot.status = "submitted"
    coffee_lot.save()
    assert 'id="lot-returned"' not in client.get(url).content.decode()


def test_display_of_every_kind_of_value(db):
    from catalog.models import GrowingArea, Lot

    assert display.shown(Lot, "unit", "XPK") == [display.Shown("gói, hộp")]
    assert display.shown(Lot, "quantity", "1200.500", {"unit": "TNE"}) == [display.Shown("1.200,5 tấn")]
    assert display.shown(Lot, "expiry_date", None) == []
    assert display.shown(Review, "automatic", True) == [display.Shown("Có")]
    assert display.shown(Review, "decided_at", "2026-11-02T03:04:05+00:00") == [display.Shown("02/11/2026 10:04")]
    square = {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]}
    assert display.shown(GrowingArea, "boundary", square) == [display.Shown("ranh giới 4 điểm")]
    assert display.shown(Lot, "product_id", 999999) == [display.Shown("(đã xoá)", "999999")]
    assert display.field_label(Lot, "product_id") == "sản phẩm"
    assert display.field_label(Lot, "unknown_field") == "unknown_field"
