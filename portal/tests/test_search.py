"""Search that forgives: accents, case, đ, codes (GTIN, tax code, lot code), places; a kind empty result."""

from __future__ import annotations

import pytest

from catalog.folding import fold, terms
from catalog.models import Organization, PriorityCategory, Product
from catalog.tests.factories import GrowingAreaFactory, LotFactory, OrganizationFactory, ProductFactory
from portal import search
from portal.tests.factories import published_lot

pytestmark = pytest.mark.django_db


def test_fold():
    assert fold("Sâm Ngọc Linh") == "sam ngoc linh"
    assert fold("  CÀ PHÊ  Đăk-Hà ") == "ca phe dak ha"
    assert fold("Lô KN-2612/0045") == "lo kn 2612 0045"
    assert terms("ca phe Cà PHÊ") == ["phe", "ca"]


@pytest.fixture
def ginseng():
    org = OrganizationFactory(name="Hợp tác xã Sâm Ngọc Linh Tu Mơ Rông", street_address="Thôn Đăk Văn 2")
    area = GrowingAreaFactory(organization=org, name="Vườn sâm Măng Ri", code="VT-51-TMR-0001", crop="Sâm")
    product = ProductFactory(
        organization=org, name="Sâm Ngọc Linh củ tươi", category=PriorityCategory.objects.get(code="ngoc-linh-ginseng")
    )
    return LotFactory(product=product, lot_code="SNL-2611-07", status="published", origin_areas=[area])


@pytest.mark.parametrize("query", ["sam ngoc linh", "SAM NGOC LINH", "Sâm Ngọc Linh", "ngoc linh sam", "sâm tươi"])
def test_accentless_words_find_the_product_and_its_lot(ginseng, query):
    found = search.search(query)
    assert [p.name for p in found.products] == ["Sâm Ngọc Linh củ tươi"]
    assert [lot.lot_code for lot in found.lots] == ["SNL-2611-07"]
    assert found.suggestions == []


@pytest.mark.parametrize("query", ["măng ri", "MANG RI", "vt-51-tmr-0001", "snl 2611"])
def test_growing_areas_and_lot_codes_find_the_lot(ginseng, query):
    assert [lot.lot_code for lot in search.search(query).lots] == ["SNL-2611-07"]


def test_coffee_and_d_with_stroke():
    lot = published_lot()  # "Cà phê nhân Robusta Đăk Hà" of "Hợp tác xã Cà phê Đăk Hà"
    for query in ("ca phe", "CA PHE dak ha", "đăk hà", "dak ha robusta"):
        found = search.search(query)
        assert [p.name for p in found.products] == ["Cà phê nhân Robusta Đăk Hà"], query
        assert [x.pk for x in found.lots] == [lot.pk], query
    assert [o.name for o in search.search("hop tac xa ca phe").organizations] == ["Hợp tác xã Cà phê Đăk Hà"]


def test_codes_find_their_organisation_product_and_lots():
    lot = published_lot()
    org = lot.product.organization
    found = search.search(org.tax_code)
    assert [o.pk for o in found.organizations] == [org.pk]
    assert [p.pk for p in found.products] == [lot.product.pk]
    assert [x.pk for x in found.lots] == [lot.pk]
    gtin13 = lot.product.gtin.lstrip("0")
    found = search.search(gtin13)
    assert [p.pk for p in found.products] == [lot.product.pk] and [x.pk for x in found.lots] == [lot.pk]
    assert [x.pk for x in search.search(lot.lot_code.lower()).lots] == [lot.pk]
    branch = OrganizationFactory(name="Chi nhánh Măng Đen", tax_code=f"{org.tax_code}-002")
    assert [o.pk for o in search.search(f"{org.tax_code}002").organizations] == [branch.pk]


def test_places_find_producers_by_ward_and_facility():
    lot = published_lot()
    org = lot.product.organization
    ward = fold(org.ward_name)
    assert ward and org.search_text.endswith(fold(org.province_name))
    assert lot.pk in [x.pk for x in search.search(ward).lots]
    assert [o.pk for o in search.search("vung ca phe thon 4").organizations] == [org.pk]  # its facility's name


def test_only_public_rows_are_found():
    published_lot()
    draft = LotFactory(product=Product.objects.get(), lot_code="NHAP-01", status="draft")
    pending = OrganizationFactory(name="Cà phê chờ duyệt", status="pending")
    ProductFactory(organization=pending, name="Cà phê chưa duyệt")
    found = search.search("ca phe")
    assert "Cà phê chưa duyệt" not in [p.name for p in found.products]
    assert draft.pk not in [x.pk for x in found.lots]
    assert pending.pk not in [o.pk for o in found.organizations]


def test_search_text_follows_renames():
    org = Organization.objects.get(pk=OrganizationFactory(name="Cơ sở A").pk)
    org.name = "Cơ sở Mật ong Kon Plông"
    org.save(update_fields=["name", "updated_at"])
    assert "mat ong kon plong" in Organization.objects.get(pk=org.pk).search_text


def test_page_finds_accentless(client, ginseng):
    page = client.get("/tim-kiem/", {"q": "sam ngoc linh"}).content.decode()
    assert "Sâm Ngọc Linh củ tươi" in page and "SNL-2611-07" in page
    assert "Không tìm thấy" not in page and "chưa được đăng ký" not in page


def test_empty_result_is_kind_not_a_counterfeit_warning(client, ginseng):
    page = client.get("/tim-kiem/", {"q": "sam ngok linh"}).content.decode()
    assert 'id="no-results"' in page and "Không tìm thấy" in page
    assert "Sâm Ngọc Linh củ tươi" in page  # suggested: "sam" and "linh" match
    assert "chưa được đăng ký" not in page and "cẩn trọng" not in page and "hàng giả" not in page
    page = client.get("/tim-kiem/", {"q": "xyz khong co"}).content.decode()
    assert "Không tìm thấy" in page and 'id="suggestions"' not in page


def test_empty_result_in_english(client, ginseng):
    client.cookies["django_language"] = "en"
    page = client.get("/tim-kiem/", {"q": "xyz"}).content.decode()
    assert "Nothing found" in page and "Không tìm thấy" not in page


def test_category_names_follow_the_language(client, ginseng):
    assert "Sâm Ngọc Linh" in client.get("/").content.decode()
    client.cookies["django_language"] = "en"
    category = PriorityCategory.objects.get(code="ngoc-linh-ginseng")
    page = client.get("/").content.decode()
    assert category.name_en and category.name_en in page
    story = client.get(f"/01/{ginseng.product.gtin}/10/{ginseng.lot_code}", {"format": "json"}).json()
    assert story["product"]["category"] == category.name_en
