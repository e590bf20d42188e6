import pytest

from events.epcis import FARM_BIZSTEPS, TRUYXUAT_BIZSTEP_NS, cbv


@pytest.mark.parametrize(
    "value",
    [
        "shipping",
        "urn:epcglobal:cbv:bizstep:shipping",
        "https://ref.gs1.org/cbv/BizStep-shipping",
        "https://gs1.org/voc/Bizstep-shipping",
    ],
)
def test_biz_step_forms(value: str):
    assert cbv.normalise(value, "bizstep") == "shipping"


def test_back_and_forth():
    assert cbv.to_urn("shipping", "bizstep") == "urn:epcglobal:cbv:bizstep:shipping"
    assert cbv.to_web_uri("in_progress", "disp") == "https://ref.gs1.org/cbv/Disp-in_progress"
    assert cbv.normalise("urn:epcglobal:cbv:disp:in_progress", "disp") == "in_progress"
    assert cbv.normalise("urn:epcglobal:cbv:btt:po", "btt") == "po"
    assert cbv.normalise("urn:epcglobal:cbv:sdt:owning_party", "sdt") == "owning_party"


def test_vocabularies_from_schema():
    for name in ("shipping", "receiving", "commissioning", "inspecting", "transporting"):
        assert name in cbv.biz_steps()
    for name in ("in_progress", "active", "in_transit", "recalled"):
        assert name in cbv.dispositions()
    assert "harvesting" not in cbv.biz_steps()
    assert "transforming" not in cbv.biz_steps()  # CBV 2.0 has no such step; see the report


def test_farm_steps():
    assert set(FARM_BIZSTEPS) >= {
        "land_preparation",
        "planting",
        "fertilising",
        "spraying",
        "irrigating",
        "pruning",
        "feeding",
        "vaccinating",
    }
    assert cbv.normalise_biz_step("planting") == TRUYXUAT_BIZSTEP_NS + "planting"
    assert cbv.normalise_biz_step(TRUYXUAT_BIZSTEP_NS + "planting") == TRUYXUAT_BIZSTEP_NS + "planting"
    assert not set(FARM_BIZSTEPS) & cbv.biz_steps()
    with pytest.raises(ValueError):
        cbv.farm_step_uri("harvesting")


def test_unknown_left_alone():
    assert cbv.normalise("https://example.com/steps/x", "bizstep") == "https://example.com/steps/x"
    assert cbv.to_urn("https://example.com/steps/x", "bizstep") == "https://example.com/steps/x"
