"""Small things a consumer notices: the ledger badge explains itself on tap, recall notices in English mode."""

from __future__ import annotations

import pytest

from core.models import AuditEntry
from portal.tests.factories import published_lot

pytestmark = pytest.mark.django_db


def _path(lot) -> str:  # type: ignore[no-untyped-def]
    return f"/01/{lot.product.gtin}/10/{lot.lot_code}"


def test_ledger_badge_is_a_details_element_with_its_explanation(client):
    lot = published_lot()
    page = client.get(_path(lot)).content.decode()
    assert '<details class="ledger" id="ledger-badge"' in page
    assert '<summary><span class="badge" id="ledger-status">Đang kiểm tra sổ cái công khai…</span>' in page
    assert "sổ cái công khai chỉ ghi thêm, không sửa được" in page
    bundle = f"%2Fapi%2Fv1%2Flots%2F{lot.product.gtin}%2F{lot.lot_code}%2Fproof-bundle"
    assert f'href="/ledger/verify?bundle={bundle}"' in page
    assert 'title="' not in page.split('id="ledger-badge"')[1].split("</details>")[0]  # no hover-only text


def _recalled():  # type: ignore[no-untyped-def]
    lot = published_lot(status="recalled")
    AuditEntry.objects.create(
        action="recall", object_type="catalog.lot", object_id=str(lot.pk), reason="Lô nhiễm nấm mốc, đề nghị thu hồi."
    )
    return lot


def test_recall_notice_in_vietnamese_is_the_officers_text(client):
    page = client.get(_path(_recalled())).content.decode()
    assert '<p id="recall-notice">Lô nhiễm nấm mốc, đề nghị thu hồi.</p>' in page
    assert "Thông báo gốc" not in page


def test_recall_notice_in_english_mode(client):
    lot = _recalled()
    client.cookies["django_language"] = "en"
    page = client.get(_path(lot)).content.decode()
    assert (
        '<p id="recall-notice">The authority has ordered the products of this lot recalled. Do not use the product; '
        "contact the shop or the producer.</p>"
    ) in page
    assert '<p lang="vi">Original notice (Vietnamese): Lô nhiễm nấm mốc, đề nghị thu hồi.</p>' in page
    data = client.get(_path(lot), {"format": "json"}).json()
    assert data["recall"]["notice"] == "Lô nhiễm nấm mốc, đề nghị thu hồi."
    assert data["recall"]["notice_translated"].startswith("The authority has ordered")
