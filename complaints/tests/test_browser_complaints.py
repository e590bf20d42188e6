"""The officer's complaint queue in headless Chromium on a 1366×768 screen (issue 16 item 5): the overdue cases
oldest first with the counterfeit report labelled, "Chuyển cấp" on one, then the complainant's contact shown on
request and its view in the audit log. And the producer, on a phone, follows a failed lab test's notification
link to a page it may open (item 4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Membership
from accounts.tests.factories import UserFactory
from catalog.models import PriorityCategory
from catalog.tests.factories import AgencyFactory, GrowingAreaFactory, LotFactory, OrganizationFactory, ProductFactory
from complaints import services as complaint_services
from complaints.models import ComplaintCase
from conftest import browser_sign_in
from core.models import AuditEntry
from notifications.models import Notification
from quality import services as quality_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery-9"


@pytest.fixture(autouse=True)
def _reference_data(settings, tmp_path):
    """Each test its own ledger key (the seeded rows come back by serialized rollback: root conftest)."""
    settings.TRUYXUAT_LEDGER_KEY_FILE = tmp_path / "ledger.key"


def _complaint(org, message, kind="complaint", overdue_days=0, **contact):
    lot = LotFactory(product=ProductFactory(organization=org, name="Cà phê rang xay Đăk Hà"), status="published")
    fb = complaint_services.submit_feedback(
        actor=None,
        product=lot.product,
        lot=lot,
        address="203.0.113.9",
        data={"kind": kind, "message": message, **contact},
    )
    case = ComplaintCase.objects.get(feedback=fb)
    if overdue_days:
        ComplaintCase.objects.filter(pk=case.pk).update(response_due=timezone.now() - dt.timedelta(days=overdue_days))
    return case


def test_officer_escalates_an_overdue_case_and_reads_the_contact(browser, live_server):
    agency = AgencyFactory(name="Sở Khoa học và Công nghệ")
    officer = UserFactory(username="canbo", agency=agency)
    org = OrganizationFactory(name="Công ty TNHH Rang xay Cà phê Đăk Hà")
    oldest = _complaint(
        org, "Gói cà phê có mùi mốc", overdue_days=4, contact_name="Nguyễn Thị Lan", contact="0905 123 456"
    )
    fake = _complaint(org, "Tem in mờ, quét không ra", kind="counterfeit", overdue_days=1)
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    tab = context.new_page()
    browser_sign_in(tab, live_server.url, officer, PASSWORD, "/oversight/phan-anh/")
    queue = tab.locator("#overdue-queue")
    rows = queue.locator("tr").all_inner_texts()[1:]
    assert [r.split("\t")[0] for r in rows] == [oldest.feedback.tracking_code, fake.feedback.tracking_code]
    assert "quá hạn 4 ngày" in rows[0]
    assert "Nghi hàng giả, hàng nhái" in rows[1]
    queue.locator("tr", has_text=oldest.feedback.tracking_code).get_by_role("button", name="Chuyển cấp").click()
    tab.wait_for_load_state()
    assert f"Đã chuyển cấp phản ánh {oldest.feedback.tracking_code}" in tab.inner_text("main")
    assert "đã chuyển cấp" in tab.locator("#overdue-queue tr", has_text=oldest.feedback.tracking_code).inner_text()
    oldest.refresh_from_db()
    assert oldest.escalated_at is not None
    tab.locator("#overdue-queue").get_by_role("link", name=oldest.feedback.tracking_code).click()
    tab.wait_for_url(f"**/oversight/phan-anh/{oldest.pk}/")
    assert "Nguyễn Thị Lan" not in tab.inner_text("main")
    tab.click("#show-contact")
    tab.wait_for_selector("#contact-name")
    assert tab.inner_text("#contact-name") == "Nguyễn Thị Lan"
    assert tab.inner_text("#contact-phone") == "0905 123 456"
    assert tab.get_attribute("#contact-phone a", "href") == "tel:0905 123 456"
    assert AuditEntry.objects.filter(action="view", object_id=str(oldest.pk), actor=officer).count() == 1
    context.close()


def test_producer_follows_the_lab_test_notice_on_a_phone(browser, live_server):
    AgencyFactory()
    officer = UserFactory(username="canbo", agency=AgencyFactory(name="Sở KHCN"))
    org = OrganizationFactory(name="Hợp tác xã Nông nghiệp Cà phê Đăk Hà")
    producer = UserFactory(username="htx")
    Membership.objects.create(user=producer, organization=org, role="owner")
    greens = ProductFactory(organization=org, category=PriorityCategory.objects.get(code="vegetables"))
    lot = LotFactory(product=greens, origin_areas=[GrowingAreaFactory(organization=org)], status="published")
    quality_services.record_lab_test(
        actor=officer,
        data={
            "analyte": "nitrate",
            "value": "812.5",
            "laboratory": "Trung tâm TĐC 3",
            "sampled_on": dt.date(2026, 11, 2),
        },
        lots=[lot],  # type: ignore[list-item]
    )
    link = Notification.objects.get(organization=org, kind="lab_test").link
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    tab = context.new_page()
    browser_sign_in(tab, live_server.url, producer, PASSWORD, "/workspace/")
    response = tab.goto(live_server.url + link)
    assert response is not None and response.status == 200
    assert tab.inner_text("#test-verdict") == "Không đạt"
    main = tab.inner_text("main")
    assert "812,5" in main and lot.lot_code in main and "Đang tạm giữ" in main
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
