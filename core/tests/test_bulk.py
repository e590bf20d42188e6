"""`core.storage.bulk.insert_rows` on the database under test: below and from `COPY_FROM` rows (PostgreSQL's INSERT,
COPY and JSON paths), keys returned for exactly the rows stored, conflicts skipped, awkward text kept as sent."""

from __future__ import annotations

import pytest

from core.storage import bulk
from events.models import EpcKey

TABLE = EpcKey._meta.db_table
COLUMNS = ("key", "kind", "epc", "gtin", "lot_code", "serial", "gln", "lot_id")
AWKWARD = "Lô\tcà phê\n\\N 'Đắk' \"Hà\" % %s \\x00"  # COPY's separators and escapes, quotes, placeholders


def _rows(first: int, last: int) -> list[tuple[object, ...]]:
    return [(f"urn:test:bulk:{i}", "other", "", "", f"{AWKWARD}{i}", "", "", None) for i in range(first, last)]


def _stored() -> dict[str, tuple[int, str]]:
    rows = EpcKey.objects.filter(key__startswith="urn:test:bulk:").values_list("key", "id", "lot_code")
    return {key: (pk, lot) for key, pk, lot in rows}


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, bulk.COPY_FROM - 1, bulk.COPY_FROM, 1_234])
def test_rows_stored_with_the_keys_returned(n: int) -> None:
    returned = bulk.insert_rows(TABLE, COLUMNS, _rows(0, n), returning=("key", "id"))
    stored = _stored()
    assert len(returned) == n
    assert dict(returned) == {key: pk for key, (pk, _lot) in stored.items()}
    assert {lot for _pk, lot in stored.values()} == {f"{AWKWARD}{i}" for i in range(n)}


@pytest.mark.django_db
def test_rows_without_returning_return_nothing() -> None:
    assert bulk.insert_rows(TABLE, COLUMNS, _rows(0, bulk.COPY_FROM + 5)) == []
    assert len(_stored()) == bulk.COPY_FROM + 5


@pytest.mark.django_db
@pytest.mark.parametrize("n", [2, bulk.COPY_FROM, 700])
def test_conflicting_rows_skipped_and_not_returned(n: int) -> None:
    half = n // 2
    first = dict(bulk.insert_rows(TABLE, COLUMNS, _rows(0, half), returning=("key", "id")))
    returned = bulk.insert_rows(TABLE, COLUMNS, _rows(0, n), returning=("key", "id"), ignore_conflicts=True)
    assert sorted(key for key, _pk in returned) == sorted(f"urn:test:bulk:{i}" for i in range(half, n))
    stored = _stored()
    assert len(stored) == n
    assert {key: pk for key, (pk, _lot) in stored.items()} == {**first, **dict(returned)}
    assert stored[f"urn:test:bulk:{n - 1}"][1] == f"{AWKWARD}{n - 1}"


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 3, 20])
def test_models_inserted_together_get_their_own_keys(n: int) -> None:
    """`insert_models`: one statement, each instance's pk that of its own row (read back and compared)."""
    made = [EpcKey(key=f"urn:test:bulk:model:{i}", kind="other", lot_code=f"{AWKWARD}{i}") for i in range(n)]
    assert bulk.insert_models(made) is made
    assert all(not m._state.adding for m in made)
    assert {m.pk: m.lot_code for m in made} == dict(
        EpcKey.objects.filter(key__startswith="urn:test:bulk:model:").values_list("pk", "lot_code")
    )
    assert len({m.pk for m in made}) == n


@pytest.mark.django_db
@pytest.mark.parametrize(
    "keys",
    [
        ["urn:test:bulk:a", 'urn:test:bulk:{b,"c"}', "urn:test:bulk:d\\e f"],  # one text, split by the server
        ["urn:test:bulk:a", "urn:test:bulk:line\nend"],  # a line end: sent as a list
        ["urn:test:bulk:a", ""],  # an empty string: sent as a list
    ],
)
def test_text_arrays_match_exactly_the_values_sent(keys: list[str]) -> None:
    """`core.storage.db.array_param` (the reads' ``= ANY(…)`` on PostgreSQL, through `events.graph.fetch_in`): every
    value found as sent, whether it went as one text or as a list, and nothing else."""
    from core.storage.db import array_param
    from events.graph import fetch_in

    stored = [*keys, "urn:test:bulk:a2", "urn:test:bulk:{b", "urn:test:bulk:d"]
    bulk.insert_rows(TABLE, COLUMNS, [(k, "other", "", "", "", "", "", None) for k in stored])
    found = fetch_in(f"SELECT key FROM {TABLE} WHERE key IN ({{marks}})", keys)
    assert sorted(key for (key,) in found) == sorted(keys)
    mark, _param = array_param(keys)
    assert mark.startswith("string_to_array(") == all(k and "\n" not in k for k in keys)


@pytest.mark.django_db
@pytest.mark.parametrize("awkward", [False, True])
def test_arrays_past_planned_up_to_find_the_same_rows(monkeypatch, awkward: bool) -> None:
    """Past `PLANNED_UP_TO` values, `array_param` hides the array from PostgreSQL's estimates (a scalar subquery):
    the rows found are the same, for ids and for keys sent as one text or as a list."""
    from core.storage import db
    from events.graph import fetch_in

    stored = [f"urn:test:bulk:many:{i}" for i in range(2 * db.PLANNED_UP_TO + 50)]
    bulk.insert_rows(TABLE, COLUMNS, [(k, "other", "", "", "", "", "", None) for k in stored])
    ids = dict(EpcKey.objects.filter(key__in=stored).values_list("key", "pk"))
    asked = stored[::2] + ["urn:test:bulk:absent"] + (["", "urn:test:bulk:line\nend"] if awkward else [])
    asked_ids = [ids[k] for k in stored[1::2]] + [10**12]
    hidden = db.array_param(asked)[0], db.array_param(asked_ids)[0]
    by_key = sorted(fetch_in(f"SELECT key FROM {TABLE} WHERE key IN ({{marks}})", asked))
    by_id = sorted(fetch_in(f"SELECT id FROM {TABLE} WHERE id IN ({{marks}})", asked_ids))
    monkeypatch.setattr(db, "PLANNED_UP_TO", 10**9)
    assert all(mark.startswith("(SELECT ") for mark in hidden)
    assert all(not db.array_param(values)[0].startswith("(SELECT ") for values in (asked, asked_ids))
    assert by_key == sorted(fetch_in(f"SELECT key FROM {TABLE} WHERE key IN ({{marks}})", asked))
    assert by_id == sorted(fetch_in(f"SELECT id FROM {TABLE} WHERE id IN ({{marks}})", asked_ids))
    assert by_key == sorted((k,) for k in stored[::2])
    assert by_id == sorted((ids[k],) for k in stored[1::2])
