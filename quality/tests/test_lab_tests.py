"""Lab tests: limits from the table, a failed result holds lots and opens a violation; holds; permissions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.tests.factories import UserFactory
from catalog.models import PriorityCategory
from catalog.tests.factories import AgencyFactory, FacilityFactory, GrowingAreaFactory, LotFactory, ProductFactory
from core.errors import Forbidden
from core.models import AuditEntry
from ledger.models import LedgerLeaf
from notifications.models import Notification
from quality import selectors, services
from quality.models import Analyte, LabTest, LotHold, MaxLevel, Violation

ACTORS = ["anonymous", "consumer", "other_producer", "producer", "officer"]
DAY = dt.date(2026, 11, 2)


@pytest.fixture
def vegetables(organization):
    area = GrowingAreaFactory(organization=organization)
    product = ProductFactory(organization=organization, category=PriorityCategory.objects.get(code="vegetables"))
    lot = LotFactory(product=product, origin_areas=[area], status="published")
    sibling = LotFactory(product=product, origin_areas=[area], status="submitted")
    return area, lot, sibling


def _data(**extra):
    data = {
        "kind": "laboratory",
        "analyte": "nitrate",
        "value": "420",
        "laboratory": "Trung tâm Kỹ thuật TĐC 3",
        "method": "TCVN 7767:2007",
        "sampled_on": DAY,
    }
    data.update(extra)
    return data


def _state():
    return (
        AuditEntry.objects.count(),
        LedgerLeaf.objects.count(),
        LabTest.objects.count(),
        LotHold.objects.count(),
        Violation.objects.count(),
        Notification.objects.count(),
    )


def test_limit_comes_from_category_table_and_pass_is_computed(officer, vegetables):
    _area, lot, _sibling = vegetables
    test = services.record_lab_test(actor=officer, data=_data(), lots=[lot])
    assert test.limit == Decimal("500")
    assert test.limit_source == "QĐ 99/2008/QĐ-BNN"
    assert test.unit == "mg/kg"
    assert test.passed is True
    assert LotHold.objects.count() == 0
    assert LedgerLeaf.objects.filter(kind="lab_test", record_id=str(test.pk)).count() == 1
    assert list(selectors.lab_results_for_lot(lot)) == [test]


def test_failed_result_holds_linked_and_same_area_lots(officer, vegetables, organization):
    area, lot, sibling = vegetables
    other = LotFactory(product=ProductFactory(organization=organization))  # another area: not held
    test = services.record_lab_test(actor=officer, data=_data(value="812.5"), lots=[lot], growing_area=area)
    assert test.passed is False
    assert set(LotHold.objects.values_list("lot_id", flat=True)) == {lot.pk, sibling.pk}
    assert selectors.active_holds(other).count() == 0
    violation = Violation.objects.get()
    assert violation.lab_test == test
    assert violation.organization == organization
    note = Notification.objects.get(organization=organization)
    assert "Nitrat" in note.title
    assert lot.lot_code in note.body and sibling.lot_code in note.body


def test_general_limit_applies_without_category_one(officer, organization):
    lot = LotFactory(product=ProductFactory(organization=organization))  # coffee
    test = services.record_lab_test(actor=officer, data=_data(analyte="borax", value="0.8"), lots=[lot])  # type: ignore[list-item]
    assert test.limit == Decimal("0")
    assert test.passed is False


def test_without_limit_officer_gives_verdict(officer, organization):
    Analyte.objects.create(code="x-test", name="Chỉ tiêu X", group="other", default_unit="mg/kg")
    lot = LotFactory(product=ProductFactory(organization=organization))
    with pytest.raises(ValidationError) as info:
        services.record_lab_test(actor=officer, data=_data(analyte="x-test"), lots=[lot])  # type: ignore[list-item]
    assert "passed" in info.value.message_dict
    test = services.record_lab_test(actor=officer, data=_data(analyte="x-test", passed="true"), lots=[lot])  # type: ignore[list-item]
    assert test.passed is True and test.limit is None


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"value": "abc"}, "value"),
        ({"value": "-1"}, "value"),
        ({"analyte": "unknown"}, "analyte"),
        ({"laboratory": ""}, "laboratory"),
        ({"unit": "µg/kg"}, "unit"),
        ({"sampled_on": dt.date(2999, 1, 1)}, "sampled_on"),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(officer, vegetables, extra, field):
    _area, lot, _sibling = vegetables
    before = _state()
    with pytest.raises(ValidationError) as info:
        services.record_lab_test(actor=officer, data=_data(**extra), lots=[lot])
    assert field in info.value.message_dict
    assert _state() == before


def test_needs_a_subject_of_one_organisation(officer, organization, other_organization):
    with pytest.raises(ValidationError):
        services.record_lab_test(actor=officer, data=_data())
    a = LotFactory(product=ProductFactory(organization=organization))
    b = LotFactory(product=ProductFactory(organization=other_organization))
    with pytest.raises(ValidationError):
        services.record_lab_test(actor=officer, data=_data(), lots=[a, b])  # type: ignore[list-item]


@pytest.mark.parametrize("name", ACTORS)
def test_record_lab_test_permission_matrix(actors, vegetables, name):
    _area, lot, _sibling = vegetables
    before = _state()
    if name == "officer":
        services.record_lab_test(actor=actors[name], data=_data(value="900"), lots=[lot])
        assert _state() != before
    else:
        with pytest.raises(Forbidden):
            services.record_lab_test(actor=actors[name], data=_data(value="900"), lots=[lot])
        assert _state() == before


def test_officer_of_another_province_cannot_record(vegetables):
    outsider = UserFactory(agency=AgencyFactory(province_code=1))
    _area, lot, _sibling = vegetables
    with pytest.raises(Forbidden):
        services.record_lab_test(actor=outsider, data=_data(), lots=[lot])
    assert LabTest.objects.count() == 0


@pytest.mark.parametrize("name", ACTORS)
def test_release_hold_permission_matrix(actors, vegetables, name):
    _area, lot, _sibling = vegetables
    hold = LotHold.objects.create(lot=lot, reason="x")
    if name == "officer":
        services.release_hold(actor=actors[name], hold=hold, reason="Tái kiểm đạt")
        assert selectors.active_holds(lot).count() == 0
    else:
        with pytest.raises(Forbidden):
            services.release_hold(actor=actors[name], hold=hold, reason="Tái kiểm đạt")
        assert selectors.active_holds(lot).count() == 1


@pytest.mark.parametrize("name", ACTORS)
def test_set_max_level_permission_matrix(actors, name):
    analyte = Analyte.objects.get(code="lead")
    rice = PriorityCategory.objects.get(code="rice")
    if name == "officer":
        level = services.set_max_level(
            actor=actors[name],
            analyte=analyte,
            category=rice,
            limit="0.2",
            unit="mg/kg",
            regulation="QCVN 8-2:2011/BYT",
        )
        assert services.max_level_for(analyte, rice) == level
    else:
        with pytest.raises(Forbidden):
            services.set_max_level(
                actor=actors[name], analyte=analyte, category=rice, limit="0.2", unit="mg/kg", regulation="QCVN"
            )
        assert not MaxLevel.objects.filter(analyte=analyte, category=rice).exists()


def test_facility_failure_holds_lots_of_its_areas(officer, organization):
    facility = FacilityFactory(organization=organization)
    area = GrowingAreaFactory(organization=organization, facility=facility)
    lot = LotFactory(product=ProductFactory(organization=organization), origin_areas=[area])
    services.record_lab_test(
        actor=officer, data=_data(analyte="salmonella", value="1", unit="CFU/25g"), facility=facility
    )
    assert selectors.active_holds(lot).count() == 1
