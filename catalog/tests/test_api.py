"""Public read API: published data only, paginated, with the documented shape."""

from __future__ import annotations

import pytest

from catalog.tests.factories import LotFactory, OrganizationFactory, ProductFactory


@pytest.fixture
def published(organization):
    product = ProductFactory(organization=organization, name="Cà phê rang", ocop_stars=4)
    return LotFactory(product=product, lot_code="RX-01", status="published")


def test_lots_lists_published_only(client, published, organization, settings):
    LotFactory(product=published.product, lot_code="DRAFT-1", status="draft")
    LotFactory(product=published.product, lot_code="SUB-1", status="submitted")
    response = client.get("/api/v1/lots")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["items"] == [
        {
            "gtin": published.product.gtin,
            "lot": "RX-01",
            "digital_link": f"{settings.TRUYXUAT_PORTAL_URL}/01/{published.product.gtin}/10/RX-01",
            "status": "published",
            "safety_status": "ok",
            "hold": None,
            "production_date": "2026-10-01",
            "expiry_date": "2027-10-01",
            "quantity": "100.000",
            "unit": "KGM",
            "product": {"name": "Cà phê rang", "category": "coffee", "ocop_stars": 4},
            "organization": {"name": organization.name, "tax_code": organization.tax_code},
        }
    ]


def test_lots_of_pending_or_suspended_organisations_hidden(client, db):
    for status in ("pending", "suspended"):
        org = OrganizationFactory(status=status)
        LotFactory(product=ProductFactory(organization=org), status="published")
    assert client.get("/api/v1/lots").json() == {"items": [], "count": 0}


def test_recalled_lots_stay_visible(client, published):
    published.status = "recalled"
    published.save()
    assert [i["status"] for i in client.get("/api/v1/lots").json()["items"]] == ["recalled"]


def test_lots_pagination(client, organization):
    product = ProductFactory(organization=organization)
    for i in range(55):
        LotFactory(product=product, lot_code=f"P{i:03d}", status="published")
    first = client.get("/api/v1/lots").json()
    second = client.get("/api/v1/lots?page=2").json()
    assert first["count"] == second["count"] == 55
    assert len(first["items"]) == 50
    assert len(second["items"]) == 5
    assert {i["lot"] for i in first["items"]} | {i["lot"] for i in second["items"]} == {f"P{i:03d}" for i in range(55)}


def test_lots_query_count_is_constant(client, organization, django_assert_max_num_queries):
    product = ProductFactory(organization=organization)
    for i in range(30):
        LotFactory(product=product, lot_code=f"Q{i:03d}", status="published")
    with django_assert_max_num_queries(3):  # count, the page, the active holds
        assert client.get("/api/v1/lots").status_code == 200


def test_organizations_lists_approved_producers(client, organization, agency):
    OrganizationFactory(status="pending")
    body = client.get("/api/v1/organizations").json()
    assert body["count"] == 1
    assert body["items"][0]["tax_code"] == organization.tax_code
    assert body["items"][0]["address"] == "Thôn Đăk Dơn, Xã Tu Mơ Rông, Quảng Ngãi"


def test_products_filter_by_category(client, organization):
    ProductFactory(organization=organization, name="Gạo")
    body = client.get("/api/v1/products?category=coffee").json()
    assert body["count"] == 1
    assert body["items"][0]["name"] == "Gạo"
    assert client.get("/api/v1/products?category=rice").json()["count"] == 0


def test_bad_page_is_problem_json_not_500(client):
    response = client.get("/api/v1/lots?page=abc")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "page"


def test_openapi_and_docs(client):
    schema = client.get("/api/openapi.json").json()
    assert {"/api/v1/lots", "/api/v1/products", "/api/v1/organizations"} <= set(schema["paths"])
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in docs.content.decode()
    assert "cdn." not in docs.content.decode()  # the portal works without internet
