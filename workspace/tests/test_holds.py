"""A held lot is "Đang tạm giữ" in the producer's lists and pickers, not "Đã công bố"; released, it is published
again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from catalog.tests.factories import GrowingAreaFactory, LotFactory, ProductFactory
from quality import services
from quality.models import LotHold

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _ledger_key(settings, tmp_path):
    settings.TRUYXUAT_LEDGER_KEY_FILE = tmp_path / "ledger.key"


@pytest.fixture
def lots(organization, officer):
    product = ProductFactory(organization=organization, name="Cà phê nhân")
    area = GrowingAreaFactory(organization=organization)
    held = LotFactory(product=product, lot_code="HELD-1", status="published", origin_areas=[area])
    clean = LotFactory(product=product, lot_code="OK-1", status="published", origin_areas=[area])
    data = {
        "analyte": "chlorpyrifos",
        "value": "0.12",
        "laboratory": "Trung tâm Kỹ thuật TĐC 3",
        "sampled_on": dt.date(2026, 11, 20),
    }
    services.record_lab_test(actor=officer, data=data, lots=[held])  # type: ignore[list-item]
    return held, clean


def _option(html, lot_code):
    start = html.index(f"{lot_code}", html.index("<select"))
    return html[start : html.index("</option>", start)]


def test_lists_and_pickers_show_the_hold(client, producer, lots, officer):
    held, clean = lots
    client.force_login(producer)
    page = client.get(reverse("workspace:lots")).content.decode()
    row = page[page.index("HELD-1") : page.index("</li>", page.index("HELD-1"))]
    assert '<span class="badge bad">Đang tạm giữ</span>' in row
    other = page[page.index("OK-1") : page.index("</li>", page.index("OK-1"))]
    assert '<span class="badge">Đã công bố</span>' in other

    detail = client.get(reverse("workspace:lot", args=[held.pk])).content.decode()
    assert '<span class="badge bad" id="lot-status">Đang tạm giữ</span>' in detail
    assert 'id="lot-hold"' in detail
    assert 'id="lot-hold"' not in client.get(reverse("workspace:lot", args=[clean.pk])).content.decode()

    process = client.get(reverse("workspace:process")).content.decode()
    assert _option(process, "HELD-1").endswith("· Đang tạm giữ)")
    assert "Đang tạm giữ" not in _option(process, "OK-1")
    stamps = client.get(reverse("workspace:stamps")).content.decode()
    assert _option(stamps, "HELD-1") == "HELD-1 (Đang tạm giữ)"
    assert _option(stamps, "OK-1") == "OK-1"

    services.release_hold(actor=officer, hold=LotHold.objects.get(lot=held), reason="Tái kiểm đạt")
    page = client.get(reverse("workspace:lots")).content.decode()
    assert "Đang tạm giữ" not in page
    assert _option(client.get(reverse("workspace:stamps")).content.decode(), "HELD-1") == "HELD-1"
