"""The officer's lot pickers name a held lot "Đang tạm giữ", not "(Đã công bố)"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from catalog.tests.factories import LotFactory, ProductFactory
from quality import services
from quality.models import LotHold

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _ledger_key(settings, tmp_path):
    settings.TRUYXUAT_LEDGER_KEY_FILE = tmp_path / "ledger.key"


def _options(html, select_id):
    start = html.index(f'id="{select_id}"')
    block = html[start : html.index("</select>", start)]
    return [part.split(">", 1)[1].strip() for part in block.split("<option")[1:]]


def test_recall_and_lab_test_pickers_show_held_lots(client, officer, organization):
    product = ProductFactory(organization=organization, name="Cà phê nhân")
    held = LotFactory(product=product, lot_code="HELD-1", status="published")
    LotFactory(product=product, lot_code="OK-1", status="published")
    data = {"analyte": "chlorpyrifos", "value": "0.12", "laboratory": "TĐC 3", "sampled_on": dt.date(2026, 11, 20)}
    services.record_lab_test(actor=officer, data=data, lots=[held])  # type: ignore[list-item]
    client.force_login(officer)

    recall = client.get(reverse("oversight:recall_new")).content.decode()
    assert _options(recall, "lot") == [
        "Cà phê nhân — HELD-1 (Đang tạm giữ)</option>",
        "Cà phê nhân — OK-1 (Đã công bố)</option>",
    ]
    lab = client.get(reverse("oversight:lab_test_new")).content.decode()
    assert sorted(_options(lab, "id_lots")) == [
        "Cà phê nhân — HELD-1 (Đang tạm giữ)</option>",
        "Cà phê nhân — OK-1 (Đã công bố)</option>",
    ]

    services.release_hold(actor=officer, hold=LotHold.objects.get(lot=held), reason="Tái kiểm đạt")
    recall = client.get(reverse("oversight:recall_new")).content.decode()
    assert "Cà phê nhân — HELD-1 (Đã công bố)</option>" in _options(recall, "lot")


def test_lab_test_page_lists_its_held_lots_as_held(client, officer, organization):
    product = ProductFactory(organization=organization, name="Cà phê nhân")
    held = LotFactory(product=product, lot_code="HELD-1", status="published")
    data = {"analyte": "chlorpyrifos", "value": "0.12", "laboratory": "TĐC 3", "sampled_on": dt.date(2026, 11, 20)}
    test = services.record_lab_test(actor=officer, data=data, lots=[held])  # type: ignore[list-item]
    client.force_login(officer)
    html = client.get(reverse("oversight:lab_test", args=[test.pk])).content.decode()
    lots = html[html.index('id="lab-test-lots"') : html.index("</ul>", html.index('id="lab-test-lots"'))]
    assert 'Cà phê nhân — HELD-1 <span class="badge bad">Đang tạm giữ</span>' in lots
    services.release_hold(actor=officer, hold=LotHold.objects.get(lot=held), reason="Tái kiểm đạt")
    html = client.get(reverse("oversight:lab_test", args=[test.pk])).content.decode()
    assert 'Cà phê nhân — HELD-1 <span class="badge">Đã công bố</span>' in html
