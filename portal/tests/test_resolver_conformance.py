"""The resolver as GS1 Digital Link 1.2 and the GS1-Conformant resolver standard 1.2 ask (issue 19, item 7).

HEAD answers wherever GET does, with the same status and headers and no body (every URL of the project without
path parameters, and each key type's Digital Link); `/.well-known/gs1resolver`; a linkset (RFC 9264) for every key
type we serve (`/01/` with and without lot and serial, `/414/`, `/00/`) by `linkType=linkset|all` and by
`Accept: application/linkset+json`, as `application/json` to a client that asks only for that; `gs1:recallStatus`
for every registered lot; an unknown link type redirected to the default link; an unknown serial falling back to
its lot or product with a note; the short names redirected to the numeric form; a compressed link naming its
uncompressed form (`owl:sameAs`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import jsonschema
import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.permissions import SYSTEM
from catalog import services as catalog_services
from catalog.tests.factories import FacilityFactory
from gs1.digital_link import parse_path
from logistics.models import LogisticUnit, LogisticUnitContent
from portal.tests.factories import published_lot
from stamps import services as stamp_services
from stamps.models import Scan

pytestmark = pytest.mark.django_db

BASE = "http://127.0.0.1:8000"
GS1 = "https://gs1.org/voc/"
SSCC = "089385040000000016"
LINKSET = "application/linkset+json"

# The parts of GS1's linkset and resolver-description schemas (ref.gs1.org/standards/resolver/1.2.0/…) that our
# answers use, written out: anchors and targets are URIs, every target has an href, link types are gs1: URIs.
TARGET = {
    "type": "object",
    "required": ["href"],
    "properties": {
        "href": {"type": "string", "pattern": "^https?://"},
        "title": {"type": "string"},
        "type": {"type": "string"},
        "hreflang": {"type": "array", "items": {"type": "string"}},
    },
}
LINKSET_SCHEMA = {
    "type": "object",
    "required": ["linkset"],
    "properties": {
        "linkset": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["anchor", GS1 + "defaultLink"],
                "properties": {"anchor": {"type": "string", "pattern": "^https?://"}},
                "patternProperties": {"^https://gs1\\.org/voc/[A-Za-z]+$": {"type": "array", "items": TARGET}},
                "additionalProperties": False,
            },
        }
    },
    "additionalProperties": False,
}
DESCRIPTION_SCHEMA = {
    "type": "object",
    "required": ["name", "resolverRoot", "supportedPrimaryKeys", "supportedLinkType"],
    "properties": {
        "resolverRoot": {"type": "string", "pattern": "^https?://"},
        "supportedPrimaryKeys": {"type": "array", "items": {"enum": ["all", "01", "00", "414", "417", "8004"]}},
        "name": {"type": "string"},
        "supportedLinkType": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "namespace": {"type": "string"},
                    "prefix": {"type": "string", "pattern": "^[a-zA-Z_][A-Za-z0-9_-]*?:$"},
                },
            },
        },
        "linkTypeDefaultCanBeLinkset": {"type": "boolean"},
    },
}


@pytest.fixture
def keys(officer) -> dict[str, Any]:
    """One published lot with a stamp batch, a facility with its own GLN and a carton: a path per key type."""
    lot = published_lot()
    org = lot.product.organization
    org.province_code = officer.agency.province_code
    org.save()
    facility = FacilityFactory(organization=org, name="Kho Đăk Hà")
    batch = stamp_services.request_batch(actor=SYSTEM, product=lot.product, lot=lot, quantity=1)
    stamp = stamp_services.approve_batch(actor=officer, batch=batch).stamps.get()
    unit = LogisticUnit.objects.create(
        organization=org, sscc=SSCC, kind="carton", packed_at=dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    )
    LogisticUnitContent.objects.create(unit=unit, lot=lot, quantity=Decimal("12"))
    gtin, code = lot.product.gtin, lot.lot_code
    return {
        "lot": lot,
        "officer": officer,
        "paths": {
            "product": f"/01/{gtin}",
            "lot": f"/01/{gtin}/10/{code}",
            "item": f"/01/{gtin}/10/{code}/21/{stamp.serial}",
            "item without lot": f"/01/{gtin}/21/{stamp.serial}",
            "unknown serial": f"/01/{gtin}/10/{code}/21/KHONG-CO-1",
            "unknown serial, no lot": f"/01/{gtin}/21/KHONG-CO-2",
            "organisation GLN": f"/414/{org.gln}",
            "facility GLN": f"/414/{facility.gln}",
            "party GLN": f"/417/{org.gln}",
            "SSCC": f"/00/{SSCC}",
        },
    }


# --- HEAD ---------------------------------------------------------------------------------------------------------

VOLATILE = {"Set-Cookie", "Content-Security-Policy", "Content-Security-Policy-Report-Only", "Expires", "Date"}


def _same_but_body(client: Any, path: str, *, scans: bool = False, **headers: Any) -> tuple[int, int]:
    """GET and HEAD of `path` answer the same status and headers, HEAD without a body. An item page (`scans`)
    counts the GET as a scan and HEAD not, so its length may differ by the scan count shown."""
    got, head = client.get(path, **headers), client.head(path, **headers)
    assert head.status_code == got.status_code, path
    volatile = VOLATILE | ({"Content-Length"} if scans else set())
    expected = {k: v for k, v in got.headers.items() if k not in volatile}
    assert {k: v for k, v in head.headers.items() if k not in volatile} == expected, path
    assert head.content == b"", path
    if not got.streaming and not scans:
        assert head["Content-Length"] == str(len(got.content)), path
    return got.status_code, head.status_code


def _plain_get_urls() -> list[str]:
    """Every URL of the project without path parameters, but the admin (Django's own, tested upstream)."""
    urls: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            route = str(p.pattern)
            if isinstance(p, URLResolver):
                if route != "admin/":
                    walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern) and "<" not in route and "(" not in route and "^" not in route:
                urls.append("/" + prefix + route)

    walk(get_resolver().url_patterns, "")
    return sorted(set(urls))


def test_head_answers_like_get_on_every_plain_url(client):
    urls = _plain_get_urls()
    assert {"/", "/ledger/checkpoint", "/api/v1/lots", "/api/openapi.json", "/.well-known/gs1resolver"} <= set(urls)
    assert len(urls) >= 60
    statuses = {url: _same_but_body(client, url)[0] for url in urls}
    assert statuses["/ledger/checkpoint"] in (200, 404)  # 404 until the first checkpoint is signed
    assert {statuses[u] for u in ("/", "/api/v1/lots", "/api/openapi.json", "/.well-known/gs1resolver")} == {200}
    assert 405 not in {statuses[u] for u in ("/", "/api/v1/lots", "/api/v1/products", "/api/v1/organizations")}


def test_head_answers_like_get_on_every_key_type(client, keys):
    for path in keys["paths"].values():
        for accept in ("text/html", "application/json", LINKSET):
            scans = "/21/" in path and accept != LINKSET
            assert _same_but_body(client, path, scans=scans, HTTP_ACCEPT=accept)[0] == 200, (path, accept)
    assert _same_but_body(client, keys["paths"]["lot"] + "?linkType=gs1:pip")[0] == 307
    assert _same_but_body(client, "/01/08938501000019/10/NOPE")[0] == 404


def test_head_on_an_item_records_no_scan(client, keys):
    client.head(keys["paths"]["item"])
    client.get(keys["paths"]["item"] + "?linkType=all")
    assert Scan.objects.count() == 0
    client.get(keys["paths"]["item"])
    assert Scan.objects.count() == 1


# --- description, linksets, link types --------------------------------------------------------------------------


def test_resolver_description(client):
    r = client.get("/.well-known/gs1resolver")
    assert (r.status_code, r["Content-Type"], r["Access-Control-Allow-Origin"]) == (200, "application/json", "*")
    data = r.json()
    jsonschema.validate(data, DESCRIPTION_SCHEMA)
    assert data["resolverRoot"] == BASE
    assert data["supportedPrimaryKeys"] == ["00", "01", "414", "417"]
    assert data["supportedLinkType"] == [{"namespace": GS1, "prefix": "gs1:"}]


KINDS = [
    "product",
    "lot",
    "item",
    "item without lot",
    "unknown serial",
    "unknown serial, no lot",
    "organisation GLN",
    "facility GLN",
    "party GLN",
    "SSCC",
]


@pytest.mark.parametrize("kind", KINDS)
def test_linkset_for_every_key_type(client, keys, kind):
    path = keys["paths"][kind]
    answers = [
        client.get(path + "?linkType=linkset"),
        client.get(path + "?linkType=all"),
        client.get(path, HTTP_ACCEPT=LINKSET),
        client.get(path, HTTP_ACCEPT=f"{LINKSET}, application/json;q=0.9"),
    ]
    for r in answers:
        assert (r.status_code, r["Content-Type"]) == (200, LINKSET), kind
        assert r.content == answers[0].content
    as_json = client.get(path + "?linkType=linkset", HTTP_ACCEPT="application/json")
    assert (as_json["Content-Type"], as_json.content) == ("application/json", answers[0].content)
    data = answers[0].json()
    jsonschema.validate(data, LINKSET_SCHEMA)
    entry = data["linkset"][0]
    assert entry["anchor"] == BASE + path
    canonical = keys["paths"]["item"] if kind == "item without lot" else path  # the item's link names its lot
    assert entry[GS1 + "defaultLink"][0]["href"] == BASE + canonical
    assert entry[GS1 + "pip"][0]["hreflang"] == ["vi", "en"]
    serial = "/21/" in path
    lot = kind in ("lot", "item", "item without lot", "unknown serial")
    assert (GS1 + "verificationService" in entry) is serial
    assert (GS1 + "recallStatus" in entry) is lot
    if kind == "SSCC":
        assert [t["href"] for t in entry[GS1 + "traceability"]] == [BASE + keys["paths"]["lot"]]
    if kind.endswith("GLN"):
        assert entry[GS1 + "locationInfo"][0] == {
            "href": f"{BASE}{path}?format=json",
            "title": entry[GS1 + "pip"][0]["title"],
            "type": "application/json",
        }


@pytest.mark.parametrize("kind", ["product", "lot", "organisation GLN", "SSCC"])
def test_pages_name_their_linkset(client, keys, kind):
    path = keys["paths"][kind]
    r = client.get(path)
    assert r["Link"] == f'<{BASE}{path}?linkType=all>; rel="linkset"; type="{LINKSET}"'


def test_recall_status_answers_for_every_registered_lot(client, keys, django_capture_on_commit_callbacks):
    lot, path = keys["lot"], keys["paths"]["lot"]
    r = client.get(path + "?linkType=gs1:recallStatus")
    assert (r.status_code, r["Location"]) == (307, BASE + path)
    entry = client.get(path + "?linkType=all").json()["linkset"][0]
    assert entry[GS1 + "recallStatus"] == [
        {"href": BASE + path, "title": "Lô hàng không bị thu hồi", "type": "text/html"}
    ]
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.recall_lot(actor=keys["officer"], lot=lot, reason="Nấm mốc vượt giới hạn")
    r = client.get(path + "?linkType=https://gs1.org/voc/recallStatus")
    assert (r.status_code, r["Location"]) == (307, f"{BASE}{path}#thu-hoi")
    entry = client.get(path + "?linkType=all").json()["linkset"][0]
    assert entry[GS1 + "recallStatus"][0]["title"] == "Thông báo thu hồi"


@pytest.mark.parametrize("kind", ["product", "lot", "item", "organisation GLN", "SSCC"])
def test_a_link_type_redirects_and_an_absent_one_goes_to_the_default_link(client, keys, kind):
    path = keys["paths"][kind]
    default = client.get(path + "?linkType=all").json()["linkset"][0][GS1 + "defaultLink"][0]["href"]
    for link_type in ("gs1:defaultLink", "gs1:pip", "gs1:nutritionalInfo", "http://gs1.org/voc/pip"):
        r = client.get(path, {"linkType": link_type})
        assert (r.status_code, r["Location"], r["Access-Control-Allow-Origin"]) == (307, default, "*"), link_type
    assert "/phan-anh/gui?code=" in client.get(path, {"linkType": "gs1:review"})["Location"] or kind not in (
        "product",
        "lot",
        "item",
    )


# --- fallbacks, short names, compressed -------------------------------------------------------------------------


def test_an_unknown_serial_falls_back_to_its_lot_with_a_note(client, keys):
    lot = keys["lot"]
    r = client.get(keys["paths"]["unknown serial"])
    html = r.content.decode()
    assert r.status_code == 200
    assert "số sê-ri này không do cơ quan quản lý cấp" in html  # the warning stays
    assert 'id="fallback-note">Số sê-ri này không có trong hệ thống; thông tin dưới đây là của lô hàng.' in html
    assert lot.product.name in html and 'id="report-counterfeit"' in html
    data = client.get(keys["paths"]["unknown serial"], HTTP_ACCEPT="application/json").json()
    assert (data["stamp"], data["fallback"], data["lot"]["lot"]) == ("unknown_serial", "lot", lot.lot_code)
    assert data["note"] == "Số sê-ri này không có trong hệ thống; thông tin dưới đây là của lô hàng."


def test_an_unknown_serial_without_a_lot_falls_back_to_the_product(client, keys):
    r = client.get(keys["paths"]["unknown serial, no lot"], HTTP_ACCEPT="application/json")
    assert r.status_code == 200
    assert (r.json()["fallback"], r.json()["lot"]) == ("product", None)
    html = client.get(keys["paths"]["unknown serial, no lot"]).content.decode()
    assert "thông tin dưới đây là của sản phẩm." in html
    assert client.get(keys["paths"]["item"], HTTP_ACCEPT="application/json").json()["fallback"] is None


def test_an_unknown_serial_of_an_unknown_product_is_not_registered(client, keys):
    assert client.get("/01/08938501000019/21/ABC").status_code == 404
    assert client.get("/01/08938501000019/21/ABC?linkType=all").status_code == 404


def test_short_names_redirect_to_the_numeric_form(client, keys):
    lot, paths = keys["lot"], keys["paths"]
    gtin13 = lot.product.gtin.lstrip("0")
    org = lot.product.organization
    cases = {
        f"/gtin/{gtin13}": paths["product"],
        f"/gtin/{lot.product.gtin}/lot/{lot.lot_code}?linkType=all": paths["lot"] + "?linkType=all",
        f"/gtin/{lot.product.gtin}/lot/{lot.lot_code}/ser/KHONG-CO-1": paths["unknown serial"],
        f"/sscc/{SSCC}": paths["SSCC"],
        f"/gln/{org.gln}": paths["organisation GLN"],
        f"/party/{org.gln}": paths["party GLN"],
    }
    for short, canonical in cases.items():
        r = client.get(short)
        assert (r.status_code, r["Location"]) == (301, canonical), short
        assert client.get(canonical).status_code == 200
    assert client.get(f"/gtin/{gtin13}/lot/RX%2F1")["Location"] == f"{paths['product']}/10/RX%2F1"
    assert client.get("/gtin/08938501000018").status_code == 404  # bad check digit: not a Digital Link


def test_a_compressed_link_names_its_uncompressed_form(client, keys):
    path = keys["paths"]["lot"]
    compressed = parse_path(path).compressed_path()
    r = client.get(compressed)
    assert r.status_code == 200
    assert r["Link"].endswith(f', <{BASE}{path}>; rel="owl:sameAs"')
    assert client.get(path)["Link"].count("owl:sameAs") == 0


def test_recall_status_asked_of_every_key_type(client, keys, django_capture_on_commit_callbacks):
    """`?linkType=gs1:recallStatus` (GET and HEAD) of each key type: a key naming a registered lot (the lot, an item,
    an unknown serial of the lot) goes to its lot's recall status, `#thu-hoi` once recalled; a key without a lot (a
    product, a GLN, an SSCC) has no such link and goes to its default link, as the resolver standard says of any
    link type a key lacks."""
    lot_keys = {"lot", "item", "item without lot", "unknown serial"}

    def answers() -> dict[str, tuple[int, str]]:
        out = {}
        for kind in KINDS:
            path = keys["paths"][kind] + "?linkType=gs1:recallStatus"
            got, head = client.get(path), client.head(path)
            assert (head.status_code, head["Location"]) == (got.status_code, got["Location"]), kind
            out[kind] = (got.status_code, got["Location"])
        return out

    default = {kind: client.get(keys["paths"][kind] + "?linkType=all").json()["linkset"][0] for kind in KINDS}
    default = {kind: entry[GS1 + "defaultLink"][0]["href"] for kind, entry in default.items()}
    assert answers() == {kind: (307, default[kind]) for kind in KINDS}
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.recall_lot(actor=keys["officer"], lot=keys["lot"], reason="Nấm mốc vượt giới hạn")
    recalled = answers()
    assert {kind for kind, (_s, where) in recalled.items() if where.endswith("#thu-hoi")} == lot_keys
    assert recalled == {kind: (307, default[kind] + ("#thu-hoi" if kind in lot_keys else "")) for kind in KINDS}
