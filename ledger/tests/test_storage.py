"""Log storage: appends write leaves and stored hashes in the caller's transaction; the database
refuses updates and deletes (raw SQL, both vendors); concurrent appends stay contiguous."""

from __future__ import annotations

import hashlib
import threading

import pytest
from django.db import DatabaseError, connection, transaction

from ledger import merkle, services, tree
from ledger.checkpoints import latest
from ledger.models import LedgerCheckpoint, LedgerHash, LedgerHead, LedgerLeaf
from ledger.services import Item, append, append_many
from ledger.tree import DbHashReader


def _canon(i: int) -> bytes:
    return f'{{"i":{i},"nơi":"Đăk Hà"}}'.encode()


def _memory_tree(n: int) -> merkle.MemoryHashStore:
    store = merkle.MemoryHashStore()
    store.extend([services.leaf_hash_of(_canon(i)) for i in range(n)])
    return store


@pytest.mark.django_db(transaction=True)
def test_append_requires_a_transaction():
    with pytest.raises(RuntimeError, match="inside the caller's transaction"):
        append("lot", b"{}")


@pytest.mark.django_db
def test_append_and_append_many_store_leaves_and_all_stored_hashes():
    with transaction.atomic():
        assert append("lot", _canon(0), record_type="catalog.lot", record_id="7") == 0
        assert append_many([Item("event", _canon(i), "events.event", str(i)) for i in range(1, 300)]) == 1
        assert append_many([]) == 300
        assert append_many([("event", _canon(i), "", "") for i in range(300, 513)]) == 300
    n = 513
    assert LedgerHead.objects.get(pk=1).size == n
    assert LedgerLeaf.objects.count() == n
    leaf = LedgerLeaf.objects.get(index=0)
    assert bytes(leaf.data) == _canon(0)
    assert (leaf.record_type, leaf.record_id) == ("catalog.lot", "7")
    # The leaf is the digest of the canonical bytes.
    assert bytes(leaf.leaf_hash) == merkle.leaf_hash(hashlib.sha256(_canon(0)).digest())
    store = _memory_tree(n)
    assert LedgerHash.objects.count() == merkle.stored_hash_count(n)
    db_hashes = [bytes(h) for h in LedgerHash.objects.order_by("index").values_list("hash", flat=True)]
    assert db_hashes == store.read_hashes(range(store.hash_count))
    reader = DbHashReader()
    for size in (1, 2, 255, 256, 257, 512, 513):
        assert tree.root_hash(size) == store.tree_hash(size)
    assert merkle.inclusion_proof(300, n, reader) == merkle.inclusion_proof(300, n, store)
    assert merkle.consistency_proof(100, n, reader) == merkle.consistency_proof(100, n, store)


@pytest.mark.django_db
def test_rolled_back_transaction_leaves_nothing():
    with transaction.atomic():
        append("lot", _canon(0))
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        append_many([Item("event", _canon(i)) for i in range(1, 10)])
        1 / 0  # noqa: B018 - the caller's transaction fails after appending
    assert LedgerHead.objects.get(pk=1).size == 1
    assert LedgerLeaf.objects.count() == 1
    assert LedgerHash.objects.count() == 1


@pytest.mark.django_db
def test_one_checkpoint_per_transaction_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for i in range(5):
            append("lot", _canon(i))
        append_many([Item("event", _canon(i)) for i in range(5, 20)])
    assert len(callbacks) == 1
    cp = latest()
    assert cp.size == 20
    assert bytes(cp.root_hash) == _memory_tree(20).tree_hash()
    assert LedgerCheckpoint.objects.count() == 1


def _raw(sql: str, params=()):
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, params)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        'UPDATE ledger_ledgerleaf SET data = %s WHERE "index" = 1',
        'UPDATE ledger_ledgerleaf SET record_id = %s WHERE "index" = 1',
        'DELETE FROM ledger_ledgerleaf WHERE "index" = 1 AND data <> %s',
        'UPDATE ledger_ledgerhash SET hash = %s WHERE "index" = 0',
        "DELETE FROM ledger_ledgerhash WHERE hash <> %s",
        "UPDATE ledger_ledgercheckpoint SET note = %s",
        "DELETE FROM ledger_ledgercheckpoint WHERE note <> %s",
        "UPDATE ledger_ledgerhead SET size = size - 1 WHERE size <> length(%s)",
        "DELETE FROM ledger_ledgerhead WHERE size <> length(%s)",
    ],
)
def test_database_refuses_updates_and_deletes(sql, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        append_many([Item("lot", _canon(i)) for i in range(3)])
    before = (
        list(LedgerLeaf.objects.values_list("index", "data", "record_id")),
        list(LedgerHash.objects.values_list("index", "hash")),
        list(LedgerCheckpoint.objects.values_list("size", "note")),
        LedgerHead.objects.get(pk=1).size,
    )
    value = "x" if "note" in sql or "record_id" in sql or "length" in sql else b"x" * 32
    with pytest.raises(DatabaseError, match=r"append-only|cannot shrink|truyxuat_ledger_reset|head cannot"):
        _raw(sql, [value])
    after = (
        list(LedgerLeaf.objects.values_list("index", "data", "record_id")),
        list(LedgerHash.objects.values_list("index", "hash")),
        list(LedgerCheckpoint.objects.values_list("size", "note")),
        LedgerHead.objects.get(pk=1).size,
    )
    assert after == before


@pytest.mark.django_db
def test_head_may_grow():
    """The head guard refuses only shrinking: an update that keeps or grows the size goes through (an append
    grows it the same way)."""
    with transaction.atomic():
        append("lot", _canon(0))
    _raw("UPDATE ledger_ledgerhead SET size = size + 0")
    assert LedgerHead.objects.get(pk=1).size == 1
    _raw("UPDATE ledger_ledgerhead SET size = size + 2")
    assert LedgerHead.objects.get(pk=1).size == 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_are_serialised():
    """Several workers append at once: indexes stay contiguous and the tree matches (both vendors)."""
    assert not connection.settings_dict["NAME"].startswith("file:memorydb"), "needs a file database (conftest.py)"
    errors: list[BaseException] = []
    per_thread, threads = 40, 6

    def worker(t: int) -> None:
        from django.db import connections

        try:
            for i in range(per_thread):
                with transaction.atomic():
                    if i % 2:
                        append("lot", _canon(t * 1000 + i), record_id=f"{t}-{i}")
                    else:
                        append_many([Item("event", _canon(t * 1000 + i), "", f"{t}-{i}-{k}") for k in range(3)])
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    ts = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for th in ts:
        th.start()
    for th in ts:
        th.join()
    assert not errors, errors
    n = threads * (per_thread // 2) * 4
    assert LedgerHead.objects.get(pk=1).size == n
    rows = list(LedgerLeaf.objects.order_by("index").values_list("index", "data"))
    assert [i for i, _ in rows] == list(range(n))
    store = merkle.MemoryHashStore()
    store.extend([services.leaf_hash_of(bytes(d)) for _, d in rows])
    assert tree.root_hash(n) == store.tree_hash()
    assert [bytes(h) for h in LedgerHash.objects.order_by("index").values_list("hash", flat=True)] == store.read_hashes(
        range(store.hash_count)
    )
