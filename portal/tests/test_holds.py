"""A held lot and the lots made from it, as consumers and machines see them: the banner on the page, `hold` in
the JSON, `gs1:safetyInfo` in the linkset, `safety_status` in the public API; released, all of it goes."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.permissions import SYSTEM
from events.services.capture import capture_events
from ledger.audit import run_audit
from ledger.models import LedgerLeaf
from portal.tests.journey import published_lot
from quality import services
from quality.models import LotHold

pytestmark = pytest.mark.django_db
REASON_VI = "Chlorpyrifos ethyl: 0,12 mg/kg, vượt giới hạn cho phép 0,05 mg/kg (kết quả ngày 25/11/2026)."
REASON_EN = "Chlorpyrifos ethyl: 0.12 mg/kg, above the permitted limit of 0.05 mg/kg (result of 25/11/2026)."
SAFETY_INFO = "https://gs1.org/voc/safetyInfo"


@pytest.fixture(autouse=True)
def _ledger_key(settings, tmp_path):
    settings.TRUYXUAT_LEDGER_KEY_FILE = tmp_path / "ledger.key"


def _dl(lot):
    return f"https://id.gs1.org/01/{lot.product.gtin}/10/{lot.lot_code}"


@pytest.fixture
def chain(officer):
    """Green coffee, the roaster's lot made from it, and an unrelated lot."""
    green = published_lot(officer)
    roasted = published_lot(officer, lot_code="RX-01")
    other = published_lot(officer, lot_code="OT-01")
    capture_events(
        actor=SYSTEM,
        organization=roasted.product.organization,
        events=[
            {
                "type": "TransformationEvent",
                "eventTime": "2026-11-06T09:00:00+07:00",
                "eventTimeZoneOffset": "+07:00",
                "bizStep": "commissioning",
                "inputQuantityList": [{"epcClass": _dl(green), "quantity": 500, "uom": "KGM"}],
                "outputQuantityList": [{"epcClass": _dl(roasted), "quantity": 400, "uom": "KGM"}],
            }
        ],
    )
    return green, roasted, other


def _fail(officer, lot):
    data = {
        "kind": "laboratory",
        "analyte": "chlorpyrifos",
        "value": "0.12",
        "laboratory": "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 3",
        "sampled_on": dt.date(2026, 11, 20),
        "result_on": dt.date(2026, 11, 25),
    }
    return services.record_lab_test(actor=officer, data=data, lots=[lot])


def _path(lot):
    return f"/01/{lot.product.gtin}/10/{lot.lot_code}"


def _api(client):
    return {row["lot"]: row for row in client.get("/api/v1/lots").json()["items"]}


def test_held_lot_page_json_linkset_and_api(client, officer, chain):
    green, _roasted, _other = chain
    test = _fail(officer, green)
    hold = LotHold.objects.get(lot=green)

    html = client.get(_path(green)).content.decode()
    banner = html[html.index('id="tam-giu"') : html.index("</section>", html.index('id="tam-giu"'))]
    assert html.index('id="tam-giu"') < html.index('class="hero"')  # at the top, before the product
    assert "LÔ HÀNG NÀY ĐANG BỊ TẠM GIỮ" in banner
    assert f"Lý do: {REASON_VI}" in banner
    assert "không nên sử dụng sản phẩm của lô này" in banner
    assert "TT 50/2016/TT-BYT" in banner and "Tạm giữ từ ngày" in banner
    assert "chlorpyrifos" not in banner  # the analyte's name, never its code

    body = client.get(_path(green), HTTP_ACCEPT="application/json").json()
    assert body["status"] == "published"  # unchanged for existing clients
    assert body["safety_status"] == "held"
    assert body["upstream_holds"] == []
    assert body["hold"] == {
        "reason": REASON_VI,
        "held_at": hold.held_at.isoformat(),
        "released": False,
        "test": {
            "analyte": "Chlorpyrifos ethyl",
            "value": "0.120000",
            "unit": "mg/kg",
            "limit": "0.050000",
            "limit_source": "TT 50/2016/TT-BYT",
            "laboratory": "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 3",
            "sampled_on": "2026-11-20",
            "result_on": "2026-11-25",
            "date": "2026-11-25",
        },
    }

    links = client.get(_path(green), HTTP_ACCEPT="application/linkset+json").json()["linkset"][0]
    assert links[SAFETY_INFO] == [
        {
            "href": f"http://127.0.0.1:8000{_path(green)}#tam-giu",
            "title": f"Lô hàng đang bị tạm giữ: {REASON_VI}",
            "type": "text/html",
        }
    ]
    assert links["https://gs1.org/voc/recallStatus"][0]["title"] == "Lô hàng không bị thu hồi"  # a hold is no recall

    row = _api(client)[green.lot_code]
    assert row["status"] == "published"
    assert row["safety_status"] == "held"
    assert row["hold"] == {
        "reason": REASON_VI,
        "held_at": hold.held_at.isoformat(),
        "released": False,
        "test": {
            "analyte": "Chlorpyrifos ethyl",
            "value": "0.120000",
            "unit": "mg/kg",
            "limit": "0.050000",
            "limit_source": "TT 50/2016/TT-BYT",
            "laboratory": "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 3",
            "sampled_on": "2026-11-20",
            "result_on": "2026-11-25",
        },
        "explanation": f"http://127.0.0.1:8000{_path(green)}#tam-giu",
    }
    assert test.passed is False


def test_held_banner_in_english(client, officer, chain):
    green, roasted, _other = chain
    _fail(officer, green)
    client.cookies["django_language"] = "en"
    html = client.get(_path(green)).content.decode()
    assert "THIS LOT IS ON HOLD" in html
    assert f"Reason: {REASON_EN}" in html
    assert "LÔ HÀNG NÀY ĐANG BỊ TẠM GIỮ" not in html
    downstream = client.get(_path(roasted)).content.decode()
    assert "This lot is being verified" in downstream
    assert f"Reason: {REASON_EN}" in downstream


def test_downstream_lot_is_being_verified(client, officer, chain):
    green, roasted, other = chain
    _fail(officer, green)
    assert list(LotHold.objects.values_list("lot_id", flat=True)) == [green.pk]  # only the tested lot is held

    html = client.get(_path(roasted)).content.decode()
    start = html.index('id="tam-giu"')
    banner = html[start : html.index("</section>", start)]
    assert "Lô hàng này đang xác minh" in banner
    assert "Lô này đang xác minh" in banner and "đang xác minh" in banner
    assert f"Lô đang bị tạm giữ: Cà phê nhân Robusta Đăk Hà — Lô {green.lot_code}" in banner
    assert f"Lý do: {REASON_VI}" in banner
    assert f'<a href="{_path(green)}#tam-giu">Xem lý do tạm giữ</a>' in banner
    assert "LÔ HÀNG NÀY ĐANG BỊ TẠM GIỮ" not in html

    body = client.get(_path(roasted), HTTP_ACCEPT="application/json").json()
    assert body["safety_status"] == "verifying"
    assert body["hold"] is None
    assert [(u["gtin"], u["lot"], u["public"], u["hold"]["reason"]) for u in body["upstream_holds"]] == [
        (green.product.gtin, green.lot_code, True, REASON_VI)
    ]
    links = client.get(_path(roasted), HTTP_ACCEPT="application/linkset+json").json()["linkset"][0]
    assert [(x["href"], x["title"]) for x in links[SAFETY_INFO]] == [
        (f"http://127.0.0.1:8000{_path(roasted)}#tam-giu", f"Lô hàng đang xác minh: {REASON_VI}")
    ]

    rows = _api(client)
    assert {code: (r["safety_status"], r["hold"] is None) for code, r in rows.items()} == {
        green.lot_code: ("held", False),
        roasted.lot_code: ("verifying", True),
        other.lot_code: ("ok", True),
    }
    # the unrelated lot shows nothing
    assert 'id="tam-giu"' not in client.get(_path(other)).content.decode()
    assert client.get(_path(other), HTTP_ACCEPT="application/json").json()["safety_status"] == "ok"


def test_release_clears_everything_and_is_ledgered(client, officer, chain):
    green, roasted, _other = chain
    _fail(officer, green)
    hold = LotHold.objects.get(lot=green)
    # warm the caches with the held state first
    assert 'id="tam-giu"' in client.get(_path(green)).content.decode()
    assert 'id="tam-giu"' in client.get(_path(roasted)).content.decode()
    assert (
        LedgerLeaf.objects.filter(kind="lot_hold", record_type="quality.lothold", record_id=str(hold.pk)).count() == 1
    )

    services.release_hold(actor=officer, hold=hold, reason="Mẫu tái kiểm đạt: 0,01 mg/kg")

    for lot in (green, roasted):
        assert 'id="tam-giu"' not in client.get(_path(lot)).content.decode()
        body = client.get(_path(lot), HTTP_ACCEPT="application/json").json()
        assert (body["safety_status"], body["hold"], body["upstream_holds"]) == ("ok", None, [])
        links = client.get(_path(lot), HTTP_ACCEPT="application/linkset+json").json()["linkset"][0]
        assert SAFETY_INFO not in links
    assert {code: r["safety_status"] for code, r in _api(client).items()} == {
        green.lot_code: "ok",
        roasted.lot_code: "ok",
        "OT-01": "ok",
    }
    leaves = LedgerLeaf.objects.filter(record_type="quality.lothold", record_id=str(hold.pk)).order_by("index")
    assert [leaf.kind for leaf in leaves] == ["lot_hold", "lot_hold"]
    assert b'"released_at":null' in bytes(leaves[0].data)
    assert b"M\xe1\xba\xabu t\xc3\xa1i ki\xe1\xbb\x83m \xc4\x91\xe1\xba\xa1t" in bytes(leaves[1].data)
    result = run_audit(alarm=False)
    assert result.problems == []


def test_a_recalled_held_lot_speaks_through_its_recall(client, officer, chain):
    """Once the held lot is recalled, the recall banner replaces the hold, and the lot made from it is no longer
    'being verified' by this hold (the recall's scope decides)."""
    from portal import optional

    green, roasted, _other = chain
    _fail(officer, green)
    green.status = "recalled"
    green.save()
    green.refresh_from_db()
    roasted.refresh_from_db()
    assert optional.holds(green) == {"safety_status": "recalled", "hold": None, "upstream_holds": []}
    assert optional.holds(roasted) == {"safety_status": "ok", "hold": None, "upstream_holds": []}


def test_public_lists_mark_the_held_lot(client, officer, chain):
    green, roasted, _other = chain
    _fail(officer, green)
    badge = '<span class="badge bad">Đang tạm giữ</span>'
    home = client.get("/").content.decode()
    assert home.count(badge) == 1
    card = home[home.index(f"Lô {green.lot_code}") :]
    assert card[: card.index("</a>")].count(badge) == 1
    found = client.get("/tim-kiem/", {"q": green.lot_code}).content.decode()
    assert found.count(badge) == 1
    assert client.get(f"/01/{green.product.gtin}").content.decode().count(badge) == 1
    assert badge not in client.get(f"/01/{roasted.product.gtin}").content.decode()
