"""The showcase of traced products (issue 25 item 3): only published data, filters, the buyer's inquiry
(rate-limited, CSRF, the producer's address hidden until the answer), shop links, the PDF catalogue in two languages."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client as PlainClient
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Membership
from accounts.tests.factories import UserFactory
from catalog.models import PriorityCategory
from catalog.tests.factories import CertificateFactory, LotFactory, OrganizationFactory, ProductFactory
from core.errors import Forbidden, Throttled
from core.tests.jobs import run_jobs
from notifications.models import Notification
from showcase import selectors, services
from showcase.models import Inquiry

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 7)


@pytest.fixture
def shop(db):
    """A cooperative's 4-star OCOP coffee with a published lot, its draft-only pork, and an unapproved producer."""
    coop = OrganizationFactory(
        name="HTX Cà phê Đăk Hà", phone="0905111222", email="htx@example.vn", street_address="Thôn 3"
    )
    owner = UserFactory(username="htx.owner", email="owner@example.vn")
    Membership.objects.create(user=owner, organization=coop, role="owner")
    coffee = ProductFactory(organization=coop, name="Cà phê Robusta Đăk Hà", ocop_stars=4)
    LotFactory(product=coffee, status="published", quantity=Decimal("1200.5"), production_date=dt.date(2026, 3, 1))
    LotFactory(product=coffee, status="published", quantity=Decimal("800"), production_date=dt.date(2025, 3, 1))
    CertificateFactory(organization=coop, kind="vietgap", number="VG-01", scope="organization")
    pork = ProductFactory(organization=coop, category=PriorityCategory.objects.get(code="pork"), name="Thịt lợn")
    LotFactory(product=pork, status="draft")
    hidden = ProductFactory(organization=OrganizationFactory(status="pending"), name="Chưa duyệt")
    LotFactory(product=hidden, status="published")
    return {"coop": coop, "owner": owner, "coffee": coffee, "pork": pork}


def test_only_published_products_of_approved_organisations_and_filters(shop):
    assert list(selectors.showcase_products()) == [shop["coffee"]]
    four = selectors.Filters.parse({"sao": "4", "nhom": "coffee", "q": "robusta dak ha", "xa": "23425"})
    assert list(selectors.showcase_products(four)) == [shop["coffee"]]
    assert list(selectors.showcase_products(selectors.Filters.parse({"sao": "5"}))) == []
    assert selectors.Filters.parse({"sao": "9", "xa": "x"}) == selectors.Filters()
    card = selectors.cards([shop["coffee"]], today=TODAY)[0]
    assert card.volumes == [(Decimal("1200.500"), "KGM")]  # this season's lots only
    assert [c.number for c in card.certificates] == ["VG-01"]


def test_inquiry_reaches_the_cooperative_and_the_answer_reveals_its_contact(shop):
    inquiry = services.send_inquiry(
        actor=None,
        product=shop["coffee"],
        address="198.51.100.7",
        data={
            "buyer_name": "Lê Thu",
            "email": "buyer@example.com",
            "message": "Cần 2 tấn mỗi tháng",
            "quantity": "2 tấn",
        },
    )
    note = Notification.objects.get(organization=shop["coop"], object_id=str(inquiry.pk))
    assert "Cần 2 tấn mỗi tháng" in note.body and "0905111222" not in note.body
    mail.outbox.clear()
    with pytest.raises(Forbidden):
        services.answer_inquiry(actor=UserFactory(), inquiry=inquiry, answer="Có")
    services.answer_inquiry(actor=shop["owner"], inquiry=inquiry, answer="Có hàng, giá 120.000 đ/kg")
    run_jobs()
    to_buyer = [m for m in mail.outbox if m.to == ["buyer@example.com"]]
    assert len(to_buyer) == 1 and "0905111222" in to_buyer[0].body and "htx@example.vn" in to_buyer[0].body
    inquiry.refresh_from_db()
    assert inquiry.status == "answered"


def test_inquiry_checks_and_rate_limit(shop):
    data = {"buyer_name": "A", "email": "not-an-address", "message": "hi"}
    with pytest.raises(ValidationError) as bad:
        services.send_inquiry(actor=None, product=shop["coffee"], address="192.0.2.1", data=data)
    assert set(bad.value.message_dict) == {"buyer_name", "email", "message"}
    with pytest.raises(ValidationError):  # not in the showcase: no published lot
        services.send_inquiry(actor=None, product=shop["pork"], address="192.0.2.1", data=data)
    good = {"buyer_name": "Lan", "email": "lan@example.com", "message": "Xin báo giá"}
    for _ in range(services.PER_HOUR):
        services.send_inquiry(actor=None, product=shop["coffee"], address="192.0.2.2", data=good)
    with pytest.raises(Throttled):
        services.send_inquiry(actor=None, product=shop["coffee"], address="192.0.2.2", data=good)
    assert Inquiry.objects.count() == services.PER_HOUR


@pytest.mark.parametrize(
    ("platform", "url", "ok"),
    [
        ("shopee", "https://shopee.vn/htx.dakha", True),
        ("lazada", "https://www.lazada.vn/shop/htx", True),
        ("shopee", "http://shopee.vn/htx", False),  # https only
        ("shopee", "https://shopee.vn.evil.example/htx", False),  # not the platform's host
        ("tiki", "https://user:pw@tiki.vn/x", False),
        ("website", "https://caphedakha.vn", True),
        ("nope", "https://caphedakha.vn", False),
        ("website", "javascript:alert(1)", False),
    ],
)
def test_shop_links_are_validated(platform, url, ok):
    if ok:
        assert services.check_shop_url(platform, url) == url
    else:
        with pytest.raises(ValidationError):
            services.check_shop_url(platform, url)


def test_pages_pdf_and_the_producers_page(shop):
    public = PlainClient(enforce_csrf_checks=True)
    page = public.get(reverse("showcase:index"), {"sao": "4"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Cà phê Robusta Đăk Hà" in text and "Thịt lợn" not in text and "Chưa duyệt" not in text
    url = reverse("showcase:product", args=[shop["coffee"].gtin])
    detail = public.get(url)
    assert detail.status_code == 200 and "0905111222" not in detail.content.decode()
    assert public.get(reverse("showcase:product", args=[shop["pork"].gtin])).status_code == 404
    refused = public.post(url, {"buyer_name": "Lan", "email": "lan@example.com", "message": "Xin báo giá"})
    assert refused.status_code == 403  # no CSRF token
    for lang, words in (("vi", "Danh mục sản phẩm truy xuất"), ("en", "Catalogue of traced products")):
        response = public.get(reverse("showcase:catalogue", args=[lang]))
        assert response["Content-Type"] == "application/pdf"
        reader = PdfReader(io.BytesIO(response.content))
        body = " ".join(p.extract_text() for p in reader.pages)
        assert words in body and "Cà phê Robusta Đăk Hà" in body
    owner = PlainClient()
    owner.force_login(shop["owner"])
    added = owner.post(reverse("showcase-ui:index"), {"action": "shop", "platform": "shopee", "url": "http://x.vn"})
    assert added.status_code == 400 and "https://" in added.content.decode()
    owner.post(reverse("showcase-ui:index"), {"action": "shop", "platform": "shopee", "url": "https://shopee.vn/dh"})
    owner.post(reverse("showcase-ui:index"), {"action": "story", "text": "Cà phê hái chín trên đất đỏ bazan."})
    shown = public.get(url).content.decode()
    assert "https://shopee.vn/dh" in shown and "đất đỏ bazan" in shown


def test_the_list_page_costs_the_same_queries_for_one_product_or_many(shop, django_assert_num_queries):
    public = PlainClient()
    public.get(reverse("showcase:index"))  # warm the session-less page once (template loading)
    with django_assert_num_queries(QUERIES):
        public.get(reverse("showcase:index"))
    for n in range(5):
        product = ProductFactory(organization=shop["coop"], name=f"Mật ong {n}", ocop_stars=3)
        LotFactory(product=product, status="published", production_date=TODAY)
    with django_assert_num_queries(QUERIES):
        assert public.get(reverse("showcase:index")).status_code == 200


QUERIES = 6  # session-less: filters (categories, communes), the count, the page, volumes, certificates
