"""Returnable assets (GRAI-96): registering them (who may, what is written: GRAI from the organisation's prefix,
serials, audit, ledger), their labels' EPCs decoded back, and gate reads of a crate recorded as its observation
(where and when last seen), at our door and at a partner's, never put in an event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.permissions import SYSTEM
from accounts.tests.factories import UserFactory
from catalog.tests.factories import AgencyFactory
from core.errors import Forbidden
from core.models import AuditEntry
from gs1.binary import decode_grai96
from gs1.keys import check_digit
from ledger.audit import run_audit
from ledger.models import LedgerLeaf
from rfid import labels, payloads, selectors, services, simulate
from rfid.models import AssetType, ReturnableAsset, TagRead
from rfid.services.assets import register_assets
from rfid.tags import decode
from rfid.tests.conftest import NOW, START, direct, world

pytestmark = pytest.mark.django_db

CRATES = {"kind": "Sọt cà phê", "count": "3"}


def _written() -> tuple[int, int, int, int]:
    rows = (AssetType, ReturnableAsset, AuditEntry, LedgerLeaf)
    return tuple(model.objects.count() for model in rows)  # type: ignore[return-value]


def test_who_may_register_assets(organization, producer, producer_staff, other_producer, officer, anonymous):
    outsider = UserFactory(agency=AgencyFactory(province_code=1))  # an officer of another province
    for actor in (other_producer, officer, outsider, anonymous):
        with pytest.raises(Forbidden):
            register_assets(actor=actor, organization=organization, data=CRATES)
    assert _written() == (0, 0, 0, 0)
    made = register_assets(actor=producer, organization=organization, data=CRATES)
    assert [a.serial for a in made] == ["1", "2", "3"]
    assert _written() == (1, 3, 4, 3)  # the kind and three assets audited, one leaf per asset
    more = register_assets(actor=producer_staff, organization=organization, data={"kind": " Sọt  cà phê ", "count": 2})
    assert [a.serial for a in more] == ["4", "5"] and {a.asset_type_id for a in made + more} == {made[0].asset_type_id}
    assert made[0].created_by == producer and more[0].created_by == producer_staff


def test_grai_allocated_from_the_organisations_prefix_and_ledgered(organization, producer, settings):
    settings.TRUYXUAT_PROVINCIAL_GS1_PREFIX = "8930000"
    crates = register_assets(actor=producer, organization=organization, data=CRATES)
    bins = register_assets(actor=producer, organization=organization, data={"kind": "Thùng nhựa", "count": 1})
    assert crates[0].grai == "893000000001" + str(check_digit("893000000001"))
    assert bins[0].grai == "893000000002" + str(check_digit("893000000002"))
    assert AssetType.objects.get(name="Thùng nhựa").prefix_length == 7
    organization.gs1_company_prefix = "8935551234"
    organization.save()
    own = register_assets(actor=producer, organization=organization, data={"kind": "Pallet gỗ", "count": 1})
    assert own[0].grai == "893555123401" + str(check_digit("893555123401"))
    leaves = LedgerLeaf.objects.filter(record_type="rfid.returnableasset")
    assert (leaves.count(), set(leaves.values_list("kind", flat=True))) == (5, {"returnable_asset"})
    assert run_audit().ok


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "", "count": "3"}, "kind"),
        ({"kind": "x" * 81, "count": "3"}, "kind"),
        ({"kind": "Sọt", "count": "0"}, "count"),
        ({"kind": "Sọt", "count": "501"}, "count"),
        ({"kind": "Sọt", "count": "ba"}, "count"),
        ({"kind": "Sọt", "count": "2,5"}, "count"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(organization, producer, data, field):
    with pytest.raises(ValidationError) as refused:
        register_assets(actor=producer, organization=organization, data=data)
    assert list(refused.value.message_dict) == [field]
    assert _written() == (0, 0, 0, 0)


def test_asset_labels_carry_the_grai96_that_decodes_back(organization, producer, settings):
    settings.TRUYXUAT_PORTAL_URL = "https://truyxuat.example.vn"
    organization.gs1_company_prefix = "8935551234"
    organization.save()
    crate = register_assets(actor=producer, organization=organization, data=CRATES)[1]
    label = labels.asset_label(crate)
    asset = decode_grai96(label.epc_hex)
    assert (asset.grai, asset.serial, asset.filter, asset.company_prefix) == (crate.grai, "2", 0, "8935551234")
    assert label.epc_hex.startswith("33")  # the GRAI-96 header
    assert label.epc_uri == asset.pure_identity_uri == "urn:epc:id:grai:8935551234.01.2"
    tag = decode(label.epc_hex)  # as a gate reads it
    assert (tag.scheme, tag.grai, tag.serial) == ("grai", crate.grai, "2")
    assert label.link == f"https://truyxuat.example.vn/8003/0{crate.grai}2"
    assert label.lines == (f"(8003) 0{crate.grai}2",) and label.title == "Sọt cà phê"
    zpl = labels.zpl([label])
    assert f"^RFW,H,2,12,1^FD{label.epc_hex}^FS" in zpl and f"^FDQA,{label.link}^FS" in zpl
    assert f"^FDEPC {label.epc_hex}^FS" in zpl and zpl.count("^XA") == 1


def _crate_hex(asset: ReturnableAsset) -> str:
    return labels.asset_label(asset).epc_hex


def test_gate_reads_of_a_crate_are_its_observation_not_an_event(organization, producer):
    gates, _lot, _cartons = world(organization, producer, cartons=2)
    crate, other = register_assets(actor=producer, organization=organization, data={"kind": "Sọt", "count": 2})
    unknown = "3314257BF40C0E4000000190"  # TDS's GRAI example (GS1 US prefix 0614141): nobody's here
    services.open_session(
        actor=SYSTEM,
        read_point=gates.door_out,
        data={"receiver": gates.door_in.organization, "expected": []},
    )

    def send(point, epcs, at):
        message = payloads.parse(simulate.message(epcs, at))
        return services.record_reads(actor=SYSTEM, device=point.device, reads=message, now=NOW)

    at_door = START + dt.timedelta(minutes=30)
    last_read = dt.timedelta(milliseconds=100)  # `simulate.message` reads each tag three times, 50 ms apart
    outcome = send(gates.door_out, [_crate_hex(crate), unknown], at_door)
    assert (outcome.events, outcome.assets, outcome.foreign) == ([], 1, 1)
    crate.refresh_from_db()
    assert (crate.last_seen_at, crate.last_seen_point) == (at_door + last_read, gates.door_out)
    rows = {r.uri: r for r in TagRead.objects.filter(read_point=gates.door_out)}
    assert rows[f"urn:epc:id:grai:8930000.00001.{crate.serial}"].asset == crate
    assert rows[f"urn:epc:id:grai:8930000.00001.{crate.serial}"].ours
    assert rows["urn:epc:id:grai:0614141.12345.400"].asset is None  # not registered: a stranger's tag
    assert not rows["urn:epc:id:grai:0614141.12345.400"].ours
    state = selectors.gate_state(gates.door_out)
    assert [r.asset for r in state.assets] == [crate] and state.unexpected == []
    assert [r.uri for r in state.foreign] == ["urn:epc:id:grai:0614141.12345.400"]

    at_roaster = START + dt.timedelta(hours=2)  # lent with the coffee: the partner's gate finds it
    send(gates.door_in, [_crate_hex(crate)], at_roaster)
    crate.refresh_from_db()
    assert (crate.last_seen_at, crate.last_seen_point) == (at_roaster + last_read, gates.door_in)
    assert not TagRead.objects.get(read_point=gates.door_in).ours  # not the roaster's crate

    send(gates.door_out, [_crate_hex(crate), _crate_hex(other)], at_door + dt.timedelta(minutes=1))  # a late batch
    crate.refresh_from_db()
    other.refresh_from_db()
    assert (crate.last_seen_at, crate.last_seen_point) == (at_roaster + last_read, gates.door_in)  # not moved back
    late = at_door + dt.timedelta(minutes=1) + dt.timedelta(milliseconds=10) + last_read  # the second tag's reads
    assert (other.last_seen_at, other.last_seen_point) == (late, gates.door_out)
    assert TagRead.objects.get(asset=crate, read_point=gates.door_out).count == 6  # two messages of 3 reads: one row
    assert all(r.event_id == "" for r in TagRead.objects.exclude(asset=None))


def test_crates_travelling_with_the_simulated_pallet(organization, producer):
    gates, _lot, cartons = world(organization, producer, cartons=3)
    crates = register_assets(actor=producer, organization=organization, data={"kind": "Sọt cà phê", "count": 2})
    played = simulate.scenario(SYSTEM, gates, cartons, START, direct, crates)
    assert played.shipment.status == "received"  # the crates change nothing of the goods' story
    loading, receiving = (selectors.shipment_reads(played.shipment)[i][1] for i in (0, 1))
    assert [r.asset for r in loading.assets] == crates and receiving.assets == []  # the roaster's: not its crates
    stranger = "urn:epc:id:sscc:0614141.1234567890"
    assert sorted(r.uri for r in receiving.foreign) == sorted(
        [stranger, *(labels.asset_label(c).epc_uri for c in crates)]
    )
    for crate in crates:
        crate.refresh_from_db()
        assert crate.last_seen_point == gates.door_in
    assert not TagRead.objects.exclude(asset=None).exclude(event_id="").exists()
