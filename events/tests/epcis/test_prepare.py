"""Preparing a document in parts gives exactly what preparing it at once gives (pure: no database, no process)."""

from __future__ import annotations

import copy
from itertools import pairwise

import pytest

from events.epcis import EpcisError, canonical_bytes, event_hashes, extract
from events.epcis.prepare import EVENT_LIST, PreparedEvent, merge, prepare

CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]
HEADER = {"@context": CONTEXT, "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-11-28T00:00:00Z"}
STAMP = "2026-11-28T01:02:03.000Z"


def _event(i: int, **extra: object) -> dict:
    event = {
        "type": "ObjectEvent",
        "eventTime": f"2026-11-01T08:{i % 60:02d}:00+07:00",
        "eventTimeZoneOffset": "+07:00",
        "epcList": [],
        "action": "ADD",
        "bizStep": "commissioning",
        "quantityList": [{"epcClass": f"https://id.gs1.org/01/08930000000017/10/L{i}", "quantity": 5, "uom": "KGM"}],
        "readPoint": {"id": "https://id.gs1.org/414/8930000000011"},
    }
    event.update(extra)
    return event


def _in_parts(events: list[dict], *splits: int, header: dict = HEADER) -> list[PreparedEvent]:
    bounds = [0, *splits, len(events)]
    return merge([prepare(events[a:b], header, CONTEXT, STAMP, offset=a) for a, b in pairwise(bounds) if b > a])


def _problems(call) -> list[dict]:
    with pytest.raises(EpcisError) as info:
        call()
    return [p.as_dict() for p in info.value.problems]


def test_prepared_event_is_completed_hashed_indexed_and_canonical():
    event = _event(1)
    sent = copy.deepcopy(event)
    (prepared,) = merge([prepare([event], HEADER, CONTEXT, STAMP)])
    (expected_hash,) = event_hashes([sent], CONTEXT)
    full = {**sent, "eventID": expected_hash, "recordTime": STAMP}
    assert event == sent  # not modified
    assert prepared.hash == expected_hash
    assert prepared.body == canonical_bytes(full).decode()
    assert prepared.index == extract(full)


def test_given_event_id_and_record_time_are_kept():
    event = _event(2, eventID="urn:uuid:3f1c2b9e-5d1a-4f7e-9a53-0c2f7f5f0d11", recordTime="2026-11-02T00:00:00Z")
    (prepared,) = merge([prepare([event], HEADER, CONTEXT, STAMP)])
    assert prepared.index.event_id == "urn:uuid:3f1c2b9e-5d1a-4f7e-9a53-0c2f7f5f0d11"
    assert (
        prepared.index.record_time is not None and prepared.index.record_time.isoformat() == "2026-11-02T00:00:00+00:00"
    )
    assert prepared.hash == event_hashes([event], CONTEXT)[0]


@pytest.mark.parametrize("splits", [(1,), (5,), (9,), (3, 7), (1, 2, 3, 4, 5, 6, 7, 8, 9)])
def test_parts_give_the_same_events_as_one_call(splits):
    events = [_event(i) for i in range(10)]
    whole = merge([prepare(events, HEADER, CONTEXT, STAMP)])
    assert _in_parts(events, *splits) == whole
    assert [p.index.event_id for p in whole] == event_hashes(events, CONTEXT)


@pytest.mark.parametrize("splits", [(), (1,), (4,), (6,), (2, 5)])
def test_parts_give_the_same_problems_as_one_call(splits):
    events = [_event(i) for i in range(8)]
    del events[1]["eventTime"]
    events[6]["action"] = "SOMETIMES"
    header = {**HEADER, "schemaVersion": 2}  # a document-level problem: found by every part, reported once
    expected = _problems(lambda: merge([prepare(events, header, CONTEXT, STAMP)]))
    assert [(p["event_index"], p["pointer"]) for p in expected] == [
        (None, "/schemaVersion"),
        (1, f"{EVENT_LIST}1/eventTime"),
        (6, f"{EVENT_LIST}6/action"),
    ]
    assert _problems(lambda: _in_parts(events, *splits, header=header)) == expected


def test_schema_problems_hide_identifier_length_problems_in_other_parts():
    events = [_event(i) for i in range(4)]
    events[3]["quantityList"][0]["epcClass"] = "https://id.gs1.org/01/08930000000017/10/" + "X" * 1200
    del events[0]["eventTime"]
    assert _problems(lambda: _in_parts(events, 2)) == [
        {"event_index": 0, "pointer": f"{EVENT_LIST}0/eventTime", "message": "'eventTime' is required"}
    ]


def test_identifier_length_problems_are_numbered_in_the_whole_document():
    events = [_event(i) for i in range(4)]
    events[3]["quantityList"][0]["epcClass"] = "https://id.gs1.org/01/08930000000017/10/" + "X" * 1200
    events[2]["readPoint"] = {"id": "urn:x:" + "y" * 1200}
    expected = [
        {"event_index": 2, "pointer": f"{EVENT_LIST}2/readPoint/id", "message": "longer than 1000 characters"},
        {
            "event_index": 3,
            "pointer": f"{EVENT_LIST}3/quantityList/0/epcClass",
            "message": "identifier longer than 1000 characters",
        },
    ]
    assert _problems(lambda: merge([prepare(events, HEADER, CONTEXT, STAMP)])) == expected
    assert _problems(lambda: _in_parts(events, 3)) == expected


def test_prepared_events_survive_pickling_unchanged():
    """What the helper process sends back (pickled) is what was prepared, Party and datetime values included."""
    import pickle

    event = _event(3, sourceList=[{"type": "owning_party", "source": "https://id.gs1.org/417/8930000000011"}])
    prepared = prepare([event], HEADER, CONTEXT, STAMP)
    again = pickle.loads(pickle.dumps(prepared, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == prepared
    assert again.events[0].index.sources[0].key == prepared.events[0].index.sources[0].key
    assert again.events[0].index.event_time == prepared.events[0].index.event_time
