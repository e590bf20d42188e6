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


def test_step_names():
    assert step_name("https://ref.gs1.org/cbv/BizStep-shipping") == "Xuất hàng, vận chuyển"
    assert step_name("urn:epcglobal:cbv:bizstep:receiving") == "Nhận hàng"
    assert step_name("x_custom_step") == "x custom step"
