"""The "Sửa / Huỷ bản ghi" pages: a void needs its confirmation and a reason, other organisations get 404, other
members a refusal page; a harvest share and a shipment line are corrected from their pages, Vietnamese numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.models import Membership
from accounts.tests.factories import UserFactory
from diary.models import DiaryEntry
from diary.services import record_entry
from diary.tests.factories import days_ago, farm
from events.models import ErrorDeclaration
from logistics import services as logistics
from logistics.models import ShipmentLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(producer_staff, organization):
    area, _product = farm(organization)
    made, _created = record_entry(
        actor=producer_staff,
        organization=organization,
        data={"growing_area": area, "activity": "spraying", "product_name": "Regent", "phi_days": "7"},
    )
    return made


def _url(entry):
    return f"/workspace/diary/{entry.client_id}/correct/"


def test_void_needs_the_confirmation_box_and_a_reason(client, producer_staff, entry):
    client.force_login(producer_staff)
    page = client.get(_url(entry))
    assert page.status_code == 200 and 'id="void-form"' in page.content.decode()
    refused = client.post(_url(entry), {"action": "void", "reason": "Không phun"})
    assert refused.status_code == 400
    assert "Đánh dấu ô xác nhận để huỷ bản ghi." in refused.content.decode()
    assert client.post(_url(entry), {"action": "void", "confirm": "1", "reason": " "}).status_code == 400
    entry.refresh_from_db()
    assert (entry.correction, ErrorDeclaration.objects.count()) == ("", 0)
    done = client.post(_url(entry), {"action": "void", "confirm": "1", "reason": "Không phun"})
    assert done.status_code == 302 and done["Location"] == f"/workspace/diary/history/#e{entry.pk}"
    entry.refresh_from_db()
    assert entry.correction == "voided"
    history = client.get("/workspace/diary/history/").content.decode()
    assert "Đã huỷ" in history and "lý do: Không phun" in history


def test_a_correction_from_the_page_keeps_what_was_typed_on_error(client, producer_staff, entry):
    client.force_login(producer_staff)
    response = client.post(
        _url(entry), {"action": "correct", "phi_days": "900", "product_name": "Regent", "reason": "sai"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="900"' in body and "Số ngày phải từ 0 đến 365." in body
    ok = client.post(
        _url(entry), {"action": "correct", "phi_days": "3", "product_name": "Regent", "reason": "Nhãn ghi 3 ngày"}
    )
    assert ok.status_code == 302
    assert DiaryEntry.objects.get(corrects=entry).phi_days == 3


def test_other_organisations_get_404_and_other_members_a_refusal(client, organization, other_producer, entry):
    client.force_login(other_producer)
    assert client.get(_url(entry)).status_code == 404
    staff = UserFactory(username="staff2")
    Membership.objects.create(user=staff, organization=organization, role="staff")
    client.force_login(staff)
    response = client.post(_url(entry), {"action": "correct", "phi_days": "3", "reason": "x"})
    assert response.status_code == 403
    assert ErrorDeclaration.objects.count() == 0


def test_a_harvest_and_a_shipment_line_corrected_from_their_pages(client, producer, organization, other_organization):
    area, product = farm(organization)
    lot = logistics.harvest(
        actor=producer,
        organization=organization,
        data={"product": product, "growing_area": area, "quantity": "1200", "harvested_at": days_ago(2, 9)},
    )
    client.force_login(producer)
    share = DiaryEntry.objects.get(lot=lot)
    asked = client.post(_url(share), {"action": "correct", "quantity": "1.100", "reason": "Cân lại"})
    assert asked.status_code == 400  # "1.100" is asked back (1 100 or 1,1?)
    confirmed = {"action": "correct", "quantity": "1.100", "quantity_confirm": "1.100", "reason": "Cân lại"}
    assert client.post(_url(share), confirmed)["Location"] == f"/workspace/lots/{lot.pk}/"
    lot.refresh_from_db()
    assert lot.quantity == Decimal("1100.000")
    shipment = logistics.create_shipment(
        actor=producer,
        organization=organization,
        data={"receiver": other_organization, "lines": [{"lot": lot, "quantity": "300"}]},
    )
    line = shipment.lines.get()
    assert (
        f"/workspace/shipments/lines/{line.pk}/correct/"
        in client.get(f"/workspace/shipments/{shipment.public_id}/").content.decode()
    )
    done = client.post(f"/workspace/shipments/lines/{line.pk}/correct/", {"quantity": "250,5", "reason": "Đếm lại"})
    assert done.status_code == 302
    assert shipment.lines.get().quantity == Decimal("250.500")
    assert ShipmentLine.all_lines.get(pk=line.pk).correction == "corrected"
