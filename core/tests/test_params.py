"""Integer query and path parameters: out-of-range pages, ids and offsets are 4xx problems or clamped, never 500."""

from __future__ import annotations

import pytest

from core.params import MAX_PAGE, bounded_int

HUGE = "9223372036854775807"
HUGER = "99999999999999999999999"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7),
        (" 7 ", 7),
        ("0", None),
        ("-3", None),
        ("abc", None),
        ("", None),
        (None, None),
        ("١٢", None),
        (HUGE, 2**63 - 1),
        (HUGER, None),
        ("1" * 400, None),
    ],
)
def test_bounded_int(value, expected):
    assert bounded_int(value) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/organizations", "/api/v1/products", "/api/v1/lots"])
def test_public_api_lists_bound_the_page(client, organization, path):
    assert client.get(f"{path}?page=1").status_code == 200
    assert client.get(f"{path}?page={MAX_PAGE}").json()["items"] == []
    for page in (MAX_PAGE + 1, HUGE, HUGER, 0, -1):
        response = client.get(f"{path}?page={page}")
        assert response.status_code == 422, (page, response.content[:200])
        assert response["Content-Type"] == "application/problem+json"
    assert client.get(f"{path}?page_size=101").status_code == 422
    assert client.get(f"{path}?page_size=100").status_code == 200


@pytest.mark.django_db
def test_workspace_api_bounds_pages_and_ids(client, organization, producer):
    client.force_login(producer)
    auth: dict[str, str] = {}
    assert client.get(f"/api/v1/workspace/lots?page={HUGE}", **auth).status_code == 422
    assert client.get(f"/api/v1/workspace/diary/entries?page={HUGE}", **auth).status_code == 422
    response = client.get(f"/api/v1/workspace/diary/entries?growing_area={HUGER}", **auth)
    assert response.status_code == 422, response.content[:200]
    response = client.get(f"/api/v1/workspace/diary/entries?growing_area={HUGE}", **auth)
    assert response.json() == {"items": [], "count": 0}
    assert client.get(f"/api/v1/workspace/lots/{HUGER}", **auth).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/tim-kiem/", "/to-chuc/"])
def test_public_pages_clamp_the_page(client, organization, path):
    for page in (HUGE, HUGER, "abc", "-1", "0"):
        assert client.get(f"{path}?page={page}").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "detail"),
    [
        (b"[" * 200_000, "JSON lồng sâu quá 64 mức / JSON nested deeper than 64 levels"),
        (b'{"a":' * 5_000 + b"1" + b"}" * 5_000, "JSON lồng sâu quá 64 mức / JSON nested deeper than 64 levels"),
        (b'{"product": 1, "areas": [{"growing_area": 1, "quantity": 1e999}]}', "số 1e999 vượt giới hạn"),
        (b'{"product": 1, "areas": [{"growing_area": 1, "quantity": NaN}]}', "NaN is not valid JSON"),
        (b'{"product": 1, "note": "\\ud800", "areas": []}', "/note: a lone UTF-16 surrogate is not Unicode text"),
        (b'{"product": 1, "areas": [', "JSON sai cú pháp / Malformed JSON"),
        (b'{"product": "\xff"}', "Nội dung không phải UTF-8 / The body is not UTF-8"),
    ],
)
def test_api_json_bodies_within_limits(client, organization, producer, data, detail):
    from catalog.models import Lot

    client.force_login(producer)
    response = client.post("/api/v1/workspace/harvests", data=data, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    problem = response.json()
    assert problem["title"] == "Nội dung yêu cầu không hợp lệ / Invalid request body"
    assert detail in problem["detail"]
    assert Lot.objects.count() == 0
