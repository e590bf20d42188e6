"""Queries answered through the slimmer index set: EQ_readPoint (biz_location index + partial read_point
index), a product's keys (range of the unique key index) and late lot linking (by canonical key)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from accounts.permissions import SYSTEM
from catalog.selectors import digital_link as portal_link
from catalog.tests.factories import LotFactory, ProductFactory
from events.models import EpcKey, Event
from events.query import filter_events, read_point_in
from events.services import capture_events
from events.services.keys import gtin_keys, link_lot
from events.tests.helpers import names_found, object_event
from gs1.identifiers import key_of, lot_key
from gs1.keys import check_digit

pytestmark = pytest.mark.django_db

FARM = "https://id.gs1.org/414/8938501000007"
PLANT = "https://id.gs1.org/414/8938502000006"
DOOR = "urn:epc:id:sgln:8938501.00000.7"
GTIN_A = "0893850100001" + str(check_digit("0893850100001"))  # item reference 000001 of company 8938501
GTIN_B = "0893850100002" + str(check_digit("0893850100002"))  # the next product of the same company


def _event(n: int, read_point: str | None, biz_location: str | None) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if read_point:
        extra["readPoint"] = {"id": read_point}
    if biz_location:
        extra["bizLocation"] = {"id": biz_location}
    return object_event(epcs=[f"https://id.gs1.org/01/{GTIN_A}/21/RP{n}"], time=f"2026-11-0{n}T08:00:00+07:00", **extra)


@pytest.fixture
def located(organization) -> dict[str, str]:
    """Events named by where they were read and where they happened; returns {name: eventID}."""
    cases = {
        "same_farm": (FARM, FARM),  # read where it happens (most events)
        "door_at_farm": (DOOR, FARM),  # read at a door of the farm
        "farm_at_plant": (FARM, PLANT),  # read at the farm, happens at the plant
        "diary_farm": (FARM, None),  # a diary event: readPoint only
        "plant_only": (None, PLANT),  # bizLocation only
        "nowhere": (None, None),
        "same_plant": (PLANT, PLANT),
    }
    result = capture_events(
        actor=SYSTEM,
        organization=organization,
        events=[_event(i + 1, rp, biz) for i, (rp, biz) in enumerate(cases.values())],
    )
    return dict(zip(cases, result.stored, strict=True))


@pytest.mark.parametrize(
    "values, expected",
    [
        ([FARM], {"same_farm", "farm_at_plant", "diary_farm"}),
        ([DOOR], {"door_at_farm"}),
        ([PLANT], {"same_plant"}),
        ([FARM, PLANT], {"same_farm", "farm_at_plant", "diary_farm", "same_plant"}),
        ([DOOR, PLANT], {"door_at_farm", "same_plant"}),
        (["https://id.gs1.org/414/8938503000005"], set()),
    ],
)
def test_eq_read_point_matches_read_point_exactly(located, values, expected):
    assert names_found(located, {"EQ_readPoint": "|".join(values)}) == expected
    reference = set(Event.objects.filter(read_point__in=values).values_list("event_id", flat=True))
    assert {located[n] for n in expected} == reference


def test_eq_read_point_with_no_value_matches_nothing(located):
    assert names_found(located, {"EQ_readPoint": "|"}) == set()
    assert not Event.objects.filter(read_point_in([])).exists()


def test_eq_biz_location_unchanged(located):
    assert names_found(located, {"EQ_bizLocation": FARM}) == {"same_farm", "door_at_farm"}
    assert names_found(located, {"EQ_bizLocation": PLANT}) == {"farm_at_plant", "plant_only", "same_plant"}


def test_eq_read_point_through_the_api(client, located):
    from accounts.tests.factories import UserFactory

    client.force_login(UserFactory(is_superuser=True))
    response = client.get(f"/epcis/events?EQ_readPoint={quote(FARM)}&EQ_bizLocation={quote(PLANT)}")
    assert response.status_code == 200
    events = response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert [e["eventID"] for e in events] == [located["farm_at_plant"]]


LOT_CODES = ["A1", "A/1", "X%2FY", "lô 5", "a b+c", "#7?"]


@pytest.mark.parametrize("code", LOT_CODES)
def test_lot_key_is_what_capture_stores_for_either_form(organization, code):
    product = ProductFactory(organization=organization, gtin=GTIN_A)
    urn = f"urn:epc:class:lgtin:8938501.000001.{quote(code, safe='')}"
    link = f"https://example.vn/01/{GTIN_A}/10/{quote(code, safe='')}"
    capture_events(actor=SYSTEM, organization=organization, events=[object_event([urn]), object_event([link])])
    stored = EpcKey.objects.get(kind="lgtin")  # one row: both forms are the same lot
    assert stored.lot_code == code
    assert lot_key(GTIN_A, code) == stored.key == key_of(urn) == key_of(link)
    assert lot_key(GTIN_A, code) == key_of(portal_link(GTIN_A, code))
    lot = LotFactory(product=product, lot_code=code, status="published")  # registered after its events…
    link_lot(lot.pk, product.gtin, lot.lot_code)  # …as logistics links it where it makes a lot
    stored.refresh_from_db()
    assert stored.lot_id == lot.pk


def test_lot_registered_later_links_only_its_own_key(organization):
    product = ProductFactory(organization=organization, gtin=GTIN_A)
    keys = [f"https://id.gs1.org/01/{GTIN_A}/10/L1", f"https://id.gs1.org/01/{GTIN_A}/10/L10"]
    keys.append(f"https://id.gs1.org/01/{GTIN_B}/10/L1")  # same lot code, other product
    capture_events(actor=SYSTEM, organization=organization, events=[object_event(keys)])
    lot = LotFactory(product=product, lot_code="L1", status="draft")
    link_lot(lot.pk, product.gtin, lot.lot_code)  # as logistics does where it makes a lot
    assert dict(EpcKey.objects.filter(kind="lgtin").values_list("key", "lot_id")) == {
        keys[0]: lot.pk,
        keys[1]: None,
        keys[2]: None,
    }


def _capture_product_keys(organization) -> dict[str, str]:
    """Keys of GTIN_A in every kind, keys of its neighbour GTIN_B, and lookalikes that hold no GTIN."""
    a = f"https://id.gs1.org/01/{GTIN_A}"
    written = {
        "lot": "urn:epc:class:lgtin:8938501.000001.L1",
        "item": f"{a}/21/S1",
        "class": "urn:epc:idpat:sgtin:8938501.000001.*",
        "lot_odd": f"{a}/10/L%2F2",
        "other_lot": f"https://id.gs1.org/01/{GTIN_B}/10/L1",
        "other_item": f"https://id.gs1.org/01/{GTIN_B}/21/S1",
        "lookalike": f"{a}/10",  # odd path: not a GS1 key, stored as written
        "longer": f"{a}0/10/L1",  # 15 digits: not a GTIN
    }
    events = [object_event(epcs=[written["item"], written["other_item"], written["lookalike"], written["longer"]])]
    events.append(object_event([written["lot"], written["lot_odd"], written["other_lot"]]))
    events.append(object_event([written["class"]]))
    capture_events(actor=SYSTEM, organization=organization, events=events)
    return {name: key_of(value) for name, value in written.items()}


def test_gtin_keys_are_exactly_the_rows_holding_the_gtin(organization):
    keys = _capture_product_keys(organization)
    assert EpcKey.objects.filter(key=keys["lookalike"]).values_list("kind", "gtin").get() == ("other", "")
    for gtin in (GTIN_A, GTIN_B, "0" + GTIN_B[1:-1] + "9"):
        by_range = set(EpcKey.objects.filter(gtin_keys(gtin)).values_list("key", flat=True))
        assert by_range == set(EpcKey.objects.filter(gtin=gtin).values_list("key", flat=True))
    assert set(EpcKey.objects.filter(gtin_keys(GTIN_A)).values_list("key", flat=True)) == {
        keys["lot"],
        keys["item"],
        keys["class"],
        keys["lot_odd"],
    }


def test_match_epc_class_pattern_finds_the_products_events(organization):
    keys = _capture_product_keys(organization)
    pattern = "urn:epc:idpat:sgtin:8938501.000001.*"
    for name, roles in (("MATCH_epcClass", 2), ("MATCH_anyEPC", 1), ("MATCH_epc", 1)):
        found = filter_events({name: pattern}, Event.objects.all())
        assert found.count() == roles, name
    other = f"urn:epc:idpat:sgtin:8938501.000002.*|{keys['lookalike']}"
    assert filter_events({"MATCH_epc": other}, Event.objects.all()).count() == 1


EVENT_INDEXES = {
    "events_event_biz_step_0e1d3389": "biz_step",
    "events_event_disposition": "disposition",
    "events_event_biz_location": "biz_location",
    "events_event_transformation_id": "transformation_id",
}


def _index_names(table: str) -> set[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [table])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s", [table])
        return {name for (name,) in cursor.fetchall()}


def test_no_pattern_twin_indexes_on_tables_capture_writes():
    """PostgreSQL's varchar_pattern_ops twins (`…_like`) are gone from the tables capture writes, but for the
    identifier key's, which `gtin_keys` reads with LIKE 'prefix%'; SQLite never had them."""
    from django.db import connection

    tables = ["events_event", "events_eventepc", "events_epckey", "events_lotedge", "events_shipment"]
    twins = {t: sorted(n for n in _index_names(t) if n.endswith("_like")) for t in tables}
    key_twin = ["events_epckey_key_cb18adaa_like"] if connection.vendor == "postgresql" else []
    assert twins == {**{t: [] for t in tables}, "events_epckey": key_twin}
    assert set(EVENT_INDEXES) < _index_names("events_event")
    unique = {c.name for c in Event._meta.constraints}
    assert unique == {"events_event_event_id_key", "events_event_event_hash_key"}


@pytest.mark.parametrize("index, field", sorted(EVENT_INDEXES.items()))
def test_plain_indexes_serve_equality(located, index, field):
    """The plain B-trees answer `column = value` (PostgreSQL told to avoid a scan of this small table)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # statistics fixed by the test: without them every index of a 7-row table costs the same and the
            # planner's pick among them is a tie (it chose the event_time index once a new table came in)
            cursor.execute("ANALYZE events_event")
            cursor.execute("SET LOCAL enable_seqscan = off")
    plan = Event.objects.filter(**{field: FARM}).order_by().only("pk").explain()
    assert index in plan


def test_event_ids_stay_unique(organization):
    from django.db import IntegrityError, transaction

    named = {**_event(1, FARM, FARM), "eventID": "urn:uuid:5f0c8a52-3a4e-4c61-9d1e-0b7f2b9c1a11"}
    capture_events(actor=SYSTEM, organization=organization, events=[named])
    event = Event.objects.get(event_id=named["eventID"])
    assert event.event_hash  # an event with its own eventID keeps its hash beside it
    row = {f.attname: getattr(event, f.attname) for f in Event._meta.concrete_fields if f.attname != "id"}
    for field in ("event_id", "event_hash"):
        with pytest.raises(IntegrityError), transaction.atomic():
            Event.objects.create(**{**row, "event_id": "urn:uuid:other", "event_hash": "other", field: row[field]})
    Event.objects.create(**{**row, "event_id": "urn:uuid:other", "event_hash": None})
    Event.objects.create(**{**row, "event_id": "urn:uuid:another", "event_hash": None})  # NULLs are distinct


def _page_statements(params: dict[str, str]) -> list[tuple[str, Any]]:
    from django.db import connection

    from events.query import page

    captured: list[tuple[str, Any]] = []

    def keep(execute, sql, sql_params, many, context):  # type: ignore[no-untyped-def]
        captured.append((sql, sql_params))
        return execute(sql, sql_params, many, context)

    with connection.execute_wrapper(keep):
        page(params, Event.objects.select_related("capture"))
    return captured


def test_read_point_page_plan(located):
    """SQLite: each branch is one index range read in rowid order, nothing sorted but the merged ids' page.
    PostgreSQL (bitmap scans forced, the table being tiny): the OR is a BitmapOr of both location indexes."""
    from django.db import connection

    params = {"EQ_readPoint": f"{FARM}|{DOOR}", "perPage": "2"}
    *_, (sql, sql_params) = _page_statements(params)  # the page's rows (on SQLite after the plan of the OR)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", sql_params)
            plan = "\n".join(row[3] for row in cursor.fetchall())
            assert plan.count("USING INDEX events_event_biz_location (biz_location=?)") == 2
            assert plan.count("USING INDEX events_event_read_point_own (read_point=?)") == 2
            assert "TEMP B-TREE" not in plan and "SCAN events_event" not in plan
        else:
            # places written as the portal writes them (DOOR is an SGLN URN: events that wrote a place in another
            # spelling add a branch through `EventValue`, whose plan this test does not pin)
            *_, (sql, sql_params) = _page_statements({"EQ_readPoint": f"{FARM}|{PLANT}", "perPage": "2"})
            cursor.execute("ANALYZE events_event")  # statistics fixed by the test (see above)
            cursor.execute("ANALYZE events_capture")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute(f"EXPLAIN {sql}", sql_params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "BitmapOr" in plan
            assert "Bitmap Index Scan on events_event_biz_location" in plan
            assert "Bitmap Index Scan on events_event_read_point_own" in plan


def test_duplicate_lookup_probes_the_unique_indexes_only(organization):
    """Capture's duplicate lookup reads each eventID or hash through its unique index; asking for a NULL
    event_hash once took SQLite to read every NULL of that index (events whose eventID is their hash)."""
    from django.db import connection

    from events.services.store import existing_query

    plain = capture_events(actor=SYSTEM, organization=organization, events=[_event(1, FARM, FARM)]).stored
    named = {**_event(2, FARM, FARM), "eventID": "urn:uuid:0d9a1c1e-2b3f-4a5c-8d7e-6f5a4b3c2d1e"}
    capture_events(actor=SYSTEM, organization=organization, events=[named])
    stored_hash = Event.objects.get(event_id=named["eventID"]).event_hash
    assert stored_hash is not None
    sql, params = existing_query(sorted([plain[0], "urn:uuid:nothing"]), [plain[0], stored_hash])
    with connection.cursor() as cursor:
        cursor.cursor.execute(sql, params)  # raw DB-API placeholders, as capture runs it
        rows = sorted(cursor.fetchall())
    assert rows == [(0, plain[0], None), (1, stored_hash, named["eventID"])]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = [str(row[-1]) for row in cursor.fetchall()]
        searches = [step for step in plan if step.startswith(("SEARCH", "SCAN"))]
        assert len(searches) == 2, plan
        assert "(event_id=?)" in searches[0] and "(event_hash=?)" in searches[1], plan


@pytest.mark.parametrize("distinct", [False, True])  # a trace's mentions, or the admin's (event, code) pairs
def test_trace_mentions_read_the_covering_index_only(organization, distinct):
    """A trace's mentions (event, role and link of each traced lot), and the distinct (event, role and link)
    an admin's trace reads instead, come from the (key, role, event, link) index alone: SQLite's covering
    index; PostgreSQL's index-only scan (the heap is visited for pages not yet vacuumed, as here)."""
    from django.db import connection

    from events.trace_chain import EVENT_CODES, MENTIONS, event_codes, mentions

    capture_events(actor=SYSTEM, organization=organization, events=[_event(1, FARM, FARM)])
    keys = sorted(EpcKey.objects.values_list("pk", flat=True))
    found = mentions(set(keys))
    assert [m[1] for m in found] == keys
    assert sorted(event_codes(set(keys))) == sorted({(e, 0, how) for e, _k, how in found})
    sql = EVENT_CODES if distinct else MENTIONS
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql.format(marks=",".join("%s" for _ in keys)), keys)
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
            assert "USING COVERING INDEX events_epc_key_role (key_id=?)" in plan, plan
        else:
            # statistics fixed by the test, of a table shaped as in use (many codes, each in few events): on the
            # one row above, every index costs the same and the pick among them is a tie, which autovacuum's
            # timing (analysed after another test, or not) used to decide
            many = object_event(epcs=[f"https://id.gs1.org/01/{GTIN_A}/21/S{n}" for n in range(300)])
            capture_events(actor=SYSTEM, organization=organization, events=[many])
            cursor.execute("ANALYZE events_eventepc")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("EXPLAIN " + sql.replace("IN ({marks})", "= ANY(%s)"), [keys])
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Index Only Scan using events_epc_key_role" in plan, plan


def test_open_shipments_are_read_by_identifier(organization):
    """Receiving events' open shipments are read through the identifiers' index, however many identifiers a
    document receives: for a few hundred, SQLite (without statistics) took the index of every open shipment."""
    from django.db import connection

    from events.services.genealogy import _open_shipments, open_shipments_query

    lots = [f"urn:epc:class:lgtin:8938501.000001.R{n}" for n in range(300)]
    shipped = object_event(lots, biz_step="shipping", action="OBSERVE", time="2026-11-01T08:00:00+07:00")
    capture_events(actor=SYSTEM, organization=organization, events=[shipped])
    keys = sorted(EpcKey.objects.filter(kind="lgtin").values_list("pk", flat=True))
    assert len(keys) == 300
    found = _open_shipments(keys)
    assert sorted(found) == keys and all(len(ships) == 1 for ships in found.values())
    if connection.vendor == "sqlite":
        sql = open_shipments_query().format(marks=",".join("?" * len(keys)))
        with connection.cursor() as cursor:
            cursor.cursor.execute(f"EXPLAIN QUERY PLAN {sql}", keys)
            plan = [str(row[-1]) for row in cursor.fetchall()]
        assert any("USING INDEX events_shipment_key (key_id=?)" in step for step in plan), plan
