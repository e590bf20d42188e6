"""The chain timeline comes from the EPCIS trace: what, who, where, when."""

from __future__ import annotations

import pytest

from portal.chain import step_name, timeline
from portal.tests.journey import published_lot


@pytest.fixture(autouse=True)
def _ledger_key(settings, tmp_path):
    settings.TRUYXUAT_LEDGER_KEY_FILE = tmp_path / "ledger.key"


@pytest.mark.django_db
def test_timeline_from_events(officer):
    lot = published_lot(officer)
    steps = timeline(lot)
    assert [(s["what"], s["where"], s["who"]) for s in steps] == [
        ("Thu hoạch, khởi tạo", "Vùng cà phê Thôn 4", "Hợp tác xã Cà phê Đăk Hà"),
        ("Bán lẻ", "Cửa hàng Lê Hồng Phong", "Hợp tác xã Cà phê Đăk Hà"),
    ]
    assert steps[0]["when"].isoformat() == "2026-11-02T01:00:00+00:00"
    assert steps[0]["latitude"] == 14.9


@pytest.mark.django_db
def test_a_processor_output_is_processing_not_harvest(officer):
    from accounts.permissions import SYSTEM
    from events.services.capture import capture_events

    green = published_lot(officer)
    roasted = published_lot(officer, lot_code="RX-01")
    link = "https://id.gs1.org/01/{}/10/{}".format
    capture_events(
        actor=SYSTEM,
        organization=roasted.product.organization,
        events=[
            {
                "type": "TransformationEvent",
                "eventTime": "2026-11-06T09:00:00+07:00",
                "eventTimeZoneOffset": "+07:00",
                "bizStep": "commissioning",
                "inputQuantityList": [
                    {"epcClass": link(green.product.gtin, green.lot_code), "quantity": 500, "uom": "KGM"}
                ],
                "outputQuantityList": [
                    {"epcClass": link(roasted.product.gtin, roasted.lot_code), "quantity": 400, "uom": "KGM"}
                ],
            }
        ],
    )
    steps = timeline(roasted)
    assert [s["what"] for s in steps if s["when"].day == 6] == ["Chế biến"]
    # the input's own timeline (a backward trace) ends with its own steps: the transformation that made another
    # lot from it leads out of its trace (events.trace.trace), so it is that lot's story, not the input's
    assert [s["what"] for s in timeline(green)] == ["Thu hoạch, khởi tạo", "Bán lẻ"]


def test_step_names():
    assert step_name("https://ref.gs1.org/cbv/BizStep-shipping") == "Xuất hàng, vận chuyển"
    assert step_name("urn:epcglobal:cbv:bizstep:receiving") == "Nhận hàng"
    assert step_name("x_custom_step") == "x custom step"
    assert step_name("commissioning") == "Thu hoạch, khởi tạo"
    assert step_name("commissioning", "TransformationEvent") == step_name("", "TransformationEvent") == "Chế biến"
    assert step_name("", "AssociationEvent") == "AssociationEvent"
