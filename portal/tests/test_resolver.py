"""The Digital Link resolver: forms, content negotiation, linksets, the friendly 404, caching and recalls."""

from __future__ import annotations

import pytest

from catalog import services as catalog_services
from gs1.digital_link import parse_path
from portal.tests.factories import published_lot

pytestmark = pytest.mark.django_db


def _lot_path(lot):
    return f"/01/{lot.product.gtin}/10/{lot.lot_code}"


def test_lot_page_in_vietnamese(client):
    lot = published_lot()
    r = client.get(_lot_path(lot))
    assert r.status_code == 200
    html = r.content.decode()
    assert "Cà phê nhân Robusta Đăk Hà" in html
    assert "Hợp tác xã Cà phê Đăk Hà" in html
    assert "Vùng Robusta Thôn 4" in html
    assert "Còn hiệu lực" in html and "Hết hiệu lực" in html  # the expired VietGAP shows as expired
    assert 'lang="vi"' in html
    assert r["Link"].endswith('rel="linkset"; type="application/linkset+json"')
    assert (
        "http://" not in html.replace("http://testserver", "").replace(lot.product.gtin, "") or "127.0.0.1:8000" in html
    )  # only our own portal's links


def test_no_external_resources(client):
    lot = published_lot()
    html = client.get(_lot_path(lot)).content.decode()
    for marker in ('src="http', 'href="http', "https://unpkg", "https://cdn", "fonts.googleapis"):
        assert marker not in html.replace('href="http://127.0.0.1:8000', "")


@pytest.mark.parametrize(
    "transform",
    [
        lambda gtin, lot: f"/01/{gtin.lstrip('0')}/10/{lot}",  # GTIN-13 → padded
        lambda gtin, lot: parse_path(f"/01/{gtin}/10/{lot}").compressed_path(),  # fully compressed
    ],
)
def test_other_forms_resolve_to_the_same_lot(client, transform):
    lot = published_lot()
    r = client.get(transform(lot.product.gtin, lot.lot_code), HTTP_ACCEPT="application/json")
    assert r.status_code == 200
    assert (r.json()["gtin"], r.json()["lot"]) == (lot.product.gtin, lot.lot_code)


def test_lot_code_with_slash(client):
    lot = published_lot(lot_code="RX/2601")
    r = client.get(f"/01/{lot.product.gtin}/10/RX%2F2601", HTTP_ACCEPT="application/json")
    assert r.status_code == 200
    assert r.json()["lot"] == "RX/2601"


def test_json(client):
    lot = published_lot()
    data = client.get(_lot_path(lot), HTTP_ACCEPT="application/json").json()
    assert data["producer"]["tax_code"] == lot.product.organization.tax_code
    assert data["areas"][0]["code"] == "VT-51-DHA-9001"
    assert data["areas"][0]["boundary"]["type"] == "Polygon"
    assert sorted(c["state"] for c in data["certificates"]) == ["expired", "valid"]
    assert data["recalled"] is False
    assert data["proof_bundle"] == f"/api/v1/lots/{lot.product.gtin}/{lot.lot_code}/proof-bundle"


def test_linkset(client):
    lot = published_lot()
    for kwargs in (
        {"path": _lot_path(lot) + "?linkType=all"},
        {"path": _lot_path(lot), "HTTP_ACCEPT": "application/linkset+json"},
    ):
        r = client.get(kwargs.pop("path"), **kwargs)
        assert r.status_code == 200
        assert r["Content-Type"] == "application/linkset+json"
        entry = r.json()["linkset"][0]
        assert entry["anchor"].endswith(_lot_path(lot))
        assert entry["https://gs1.org/voc/pip"][0]["href"].endswith(_lot_path(lot))
        assert entry["https://gs1.org/voc/traceability"][0]["href"].endswith("/proof-bundle")
        assert "/phan-anh/gui?code=" in entry["https://gs1.org/voc/review"][0]["href"]
        assert len(entry["https://gs1.org/voc/certificationInfo"]) == 2
        assert entry["https://gs1.org/voc/recallStatus"][0]["title"] == "Lô hàng không bị thu hồi"


def test_link_type_redirects(client):
    lot = published_lot()
    r = client.get(_lot_path(lot) + "?linkType=gs1:review")
    assert r.status_code == 307
    assert "/phan-anh/gui?code=" in r["Location"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/01/08938501000019/10/NOPE", 404),
        ("/01/08938501000018/10/NOPE", 404),  # bad check digit
        ("/01/123", 404),
        ("/00/998440410914660971", 404),
        ("/AAAAAAAAAAAAAAAAAA", 404),
    ],
)
def test_unknown_codes_warn_not_registered(client, path, status):
    r = client.get(path)
    assert r.status_code == status
    html = r.content.decode()
    assert "chưa được đăng ký truy xuất" in html
    assert "dấu hiệu cảnh báo" in html
    problem = client.get(path, HTTP_ACCEPT="application/json")
    assert problem.status_code == 404
    assert problem["Content-Type"] == "application/problem+json"


def test_draft_lot_is_not_public(client):
    lot = published_lot(status="draft")
    assert client.get(_lot_path(lot)).status_code == 404


def test_recall_shows_at_once_despite_cache(client, officer, django_capture_on_commit_callbacks):
    lot = published_lot()
    lot.product.organization.province_code = officer.agency.province_code
    lot.product.organization.save()
    assert "ĐÃ BỊ THU HỒI" not in client.get(_lot_path(lot)).content.decode()
    assert client.get(_lot_path(lot)).content == client.get(_lot_path(lot)).content  # served from the cache
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.recall_lot(actor=officer, lot=lot, reason="Phát hiện nấm mốc vượt giới hạn")
    html = client.get(_lot_path(lot)).content.decode()
    assert "ĐÃ BỊ THU HỒI" in html
    assert "Phát hiện nấm mốc vượt giới hạn" in html
    entry = client.get(_lot_path(lot) + "?linkType=all").json()["linkset"][0]
    assert "https://gs1.org/voc/recallStatus" in entry


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_cached_answer_keeps_the_headers_of_the_first(client, accept):
    lot = published_lot()
    first, second = (client.get(_lot_path(lot), HTTP_ACCEPT=accept) for _ in range(2))
    assert second.content == first.content
    for header in ("Link", "Content-Type", "Cache-Control", "Vary", "Access-Control-Allow-Origin"):
        assert second[header] == first[header]
    assert first["Link"] == (
        f'<http://127.0.0.1:8000{_lot_path(lot)}?linkType=all>; rel="linkset"; type="application/linkset+json"'
    )


def test_browsers_revalidate_and_get_304_until_the_lot_changes(client, officer, django_capture_on_commit_callbacks):
    lot = published_lot()
    lot.product.organization.province_code = officer.agency.province_code
    lot.product.organization.save()
    first = client.get(_lot_path(lot))
    assert first["Cache-Control"] == "public, no-cache"  # keep a copy, but ask again on every view
    etag = first["ETag"]
    again = client.get(_lot_path(lot), HTTP_IF_NONE_MATCH=etag)
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", etag)
    assert client.get(_lot_path(lot), HTTP_ACCEPT="application/json", HTTP_IF_NONE_MATCH=etag).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.recall_lot(actor=officer, lot=lot, reason="Nấm mốc")
    changed = client.get(_lot_path(lot), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "ĐÃ BỊ THU HỒI" in changed.content.decode()


def test_english_switch(client):
    lot = published_lot()
    r = client.get(f"/ngon-ngu/en?next={_lot_path(lot)}")
    assert r.status_code == 302 and r["Location"] == _lot_path(lot)
    html = client.get(_lot_path(lot)).content.decode()
    assert 'lang="en"' in html
    assert "product's journey" in html.replace("&#x27;", "'") and "Certificates" in html and "Expired" in html
    assert client.get("/ngon-ngu/en?next=https://evil.example/").get("Location") == "/"


def test_product_and_place_pages(client):
    lot = published_lot()
    r = client.get(f"/01/{lot.product.gtin}")
    assert r.status_code == 200 and lot.lot_code in r.content.decode()
    r = client.get(f"/414/{lot.product.organization.gln}")
    assert r.status_code == 200 and "Hợp tác xã Cà phê Đăk Hà" in r.content.decode()


def test_search(client):
    lot = published_lot()
    assert lot.lot_code in client.get("/tim-kiem/", {"q": "Robusta"}).content.decode()
    assert lot.lot_code in client.get("/tim-kiem/", {"q": "Đăk Hà"}).content.decode()  # producer
    assert lot.lot_code in client.get("/tim-kiem/", {"q": lot.product.gtin}).content.decode()
    assert lot.lot_code in client.get("/tim-kiem/", {"category": "coffee"}).content.decode()
    assert lot.lot_code not in client.get("/tim-kiem/", {"category": "rice"}).content.decode()
    r = client.get("/tim-kiem/", {"q": f"https://id.gs1.org{_lot_path(lot)}"})
    assert r.status_code == 302 and r["Location"] == _lot_path(lot)


def test_qr_endpoint(client):
    r = client.get("/qr", {"code": "https://example.org/01/05412345000013", "format": "svg"})
    assert r.status_code == 200 and r["Content-Type"] == "image/svg+xml" and b"<svg" in r.content
    r = client.get("/qr", {"code": "x", "format": "png"})
    assert r.content.startswith(b"\x89PNG")
    assert client.get("/qr", {"code": "x", "format": "gif"}).status_code == 400
    assert client.get("/qr", {"code": "x" * 2000}).status_code == 400
