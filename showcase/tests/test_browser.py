"""Done when (issue 25 item 3), in Chromium on a 360 px phone: a buyer finds a 4-star OCOP coffee in the showcase,
sends an inquiry, and the cooperative receives it in its workspace; the page never scrolls sideways."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accounts.models import Membership
from accounts.tests.factories import UserFactory
from catalog.tests.factories import LotFactory, OrganizationFactory, ProductFactory
from conftest import browser_sign_in
from notifications.models import Notification
from showcase.models import Inquiry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Ca-Phe-Dak-Ha-2026!"


def test_buyer_finds_four_star_coffee_and_the_cooperative_receives_the_inquiry(browser, live_server, tmp_path):
    coop = OrganizationFactory(name="HTX Cà phê Đăk Hà", phone="0905111222")
    owner = UserFactory(username="htx.dakha", password=PASSWORD)
    Membership.objects.create(user=owner, organization=coop, role="owner")
    coffee = ProductFactory(organization=coop, name="Cà phê Robusta Đăk Hà", ocop_stars=4)
    LotFactory(product=coffee, status="published", quantity=Decimal("1200"), production_date=dt.date.today())
    LotFactory(product=ProductFactory(organization=coop, name="Cà phê 3 sao", ocop_stars=3), status="published")

    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server.url}/trung-bay/")
    page.select_option("#f-sao", "4")
    page.click("#showcase-filters button")
    assert page.locator("#showcase-cards h2").all_inner_texts() == ["Cà phê Robusta Đăk Hà"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(tmp_path / "showcase-list.png"), full_page=True)
    page.click("#showcase-cards h2 a")
    assert "0905111222" not in page.content()  # the producer's phone only comes with the answer
    page.fill("#id_buyer_name", "Lê Thu")
    page.fill("#id_email", "thu@example.com")
    page.fill("#id_quantity", "1.200,5 kg mỗi tháng")
    page.fill("#id_message", "Xin báo giá cà phê nhân xuất khẩu.")
    page.click("#inquiry-form button")
    page.wait_for_selector("#inquiry-sent")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(tmp_path / "showcase-product.png"), full_page=True)
    inquiry = Inquiry.objects.get()
    assert (inquiry.product_id, inquiry.quantity) == (coffee.pk, "1.200,5 kg mỗi tháng")
    assert Notification.objects.filter(organization=coop, object_id=str(inquiry.pk)).count() == 1

    producer = browser.new_context(viewport={"width": 360, "height": 780}, locale="vi-VN").new_page()
    browser_sign_in(producer, live_server.url, owner, PASSWORD, "/trung-bay-cua-toi/")
    assert "Xin báo giá cà phê nhân xuất khẩu." in producer.inner_text(f"#inquiry-{inquiry.pk}")
    producer.screenshot(path=str(tmp_path / "showcase-producer.png"), full_page=True)
    context.close()
