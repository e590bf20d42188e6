"""The tamper audit catches direct database edits of records, leaves and stored hashes, and names them."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from ledger import db as ledger_db
from ledger.audit import run_audit
from ledger.checkpoints import sign_checkpoint
from ledger.models import LedgerAlarm


def _sql(sql: str, params=()):
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, params)


class _TriggersOff:
    """What an attacker with the database owner's rights does first: drop the append-only triggers."""

    connection = connection

    def execute(self, sql, params=None):
        with connection.cursor() as cur:
            cur.execute(sql, params)

    def __enter__(self):
        ledger_db.drop_triggers(self)

    def __exit__(self, *exc):
        ledger_db.create_triggers(self)


@pytest.fixture
def ledger_with_records(published_lot, django_capture_on_commit_callbacks):
    from catalog.selectors import certificates_for_lot
    from catalog.services import lots as lot_services  # noqa: F401 - the lot is published via services

    sign_checkpoint()
    return {"lot": published_lot, "certificate": certificates_for_lot(published_lot).first()}


@pytest.mark.django_db
def test_clean_ledger_passes(ledger_with_records, capsys):
    res = run_audit()
    assert res.ok, res.problems
    assert res.leaves_checked == 5 and res.records_checked == 5 and res.checkpoints_checked >= 1
    call_command("ledger", "audit")
    assert "ledger audit passed" in capsys.readouterr().out


@pytest.mark.django_db
def test_direct_edit_of_a_lots_quantity_is_named(ledger_with_records, capsys):
    lot = ledger_with_records["lot"]
    _sql("UPDATE catalog_lot SET quantity = %s WHERE id = %s", ["250", lot.pk])
    with pytest.raises(SystemExit) as exc:
        call_command("ledger", "audit")
    assert exc.value.code == 2
    out = capsys.readouterr().out
    assert f"catalog.lot #{lot.pk}" in out
    assert 'quantity: ledger "100.000" ≠ db "250.000"' in out
    assert "ledger audit FAILED" in out
    alarm = LedgerAlarm.objects.get()
    assert alarm.kind == "audit" and alarm.evidence["records"] == [["catalog.lot", str(lot.pk)]]


@pytest.mark.django_db
def test_direct_edit_of_a_certificates_validity_is_named(ledger_with_records):
    cert = ledger_with_records["certificate"]
    _sql("UPDATE catalog_certificate SET valid_to = %s WHERE id = %s", [dt.date(2040, 1, 1), cert.pk])
    res = run_audit()
    assert not res.ok
    assert res.mismatched_records == [("catalog.certificate", str(cert.pk))]
    assert any("valid_to" in p and "2040-01-01" in p for p in res.problems)


@pytest.mark.django_db
def test_deleted_record_is_named(ledger_with_records):
    cert = ledger_with_records["certificate"]
    _sql("DELETE FROM catalog_certificate WHERE id = %s", [cert.pk])
    res = run_audit()
    assert res.mismatched_records == [("catalog.certificate", str(cert.pk))]
    assert "gone from the database" in res.problems[0]


@pytest.mark.django_db
def test_direct_edit_of_an_events_stored_json_is_named(organization, django_capture_on_commit_callbacks):
    from accounts.permissions import SYSTEM
    from events.models import Event
    from events.services.capture import capture_events
    from events.tests.helpers import lgtin, object_event

    capture_events(
        actor=SYSTEM,
        organization=organization,
        events=[object_event([lgtin("08938501000014", "LOT1")]), object_event([lgtin("08938501000014", "LOT2")])],
    )
    assert run_audit().ok
    event = Event.objects.order_by("pk").last()
    body = json.loads(event.body)
    body["bizStep"] = "destroying"
    _sql("UPDATE events_event SET body = %s WHERE id = %s", [json.dumps(body), event.pk])
    res = run_audit()
    assert res.mismatched_records == [("events.event", str(event.pk))]
    assert "bizStep" in res.problems[0]


@pytest.mark.django_db
def test_edited_leaf_and_stored_hash_are_caught_even_without_triggers(ledger_with_records):
    lot = ledger_with_records["lot"]
    with _TriggersOff():
        # Rewrite history consistently in the record AND its leaf bytes: the leaf no longer hashes to
        # its stored hash, and the tree no longer matches the signed checkpoint.
        _sql("UPDATE catalog_lot SET quantity = %s WHERE id = %s", ["1", lot.pk])
        from ledger.records import record_bytes

        lot.refresh_from_db()
        _sql(
            "UPDATE ledger_ledgerleaf SET data = %s WHERE record_type = 'catalog.lot' AND record_id = %s",
            [record_bytes(lot), str(lot.pk)],
        )
        _sql('UPDATE ledger_ledgerhash SET hash = %s WHERE "index" = 1', [b"\x00" * 32])
    res = run_audit()
    assert not res.ok
    text = "\n".join(res.problems)
    assert f"(catalog.lot #{lot.pk}): its stored bytes no longer hash to its leaf hash" in text
    assert "stored hash #1 (level 0, node 1) differs" in text


@pytest.mark.django_db
def test_rewritten_tree_fails_the_signed_checkpoint(ledger_with_records):
    """Even a forger who recomputes leaf hashes and stored hashes cannot match the signed root."""
    from ledger import merkle
    from ledger.models import LedgerHash, LedgerLeaf
    from ledger.services import leaf_hash_of

    lot = ledger_with_records["lot"]
    with _TriggersOff():
        _sql("UPDATE catalog_lot SET quantity = %s WHERE id = %s", ["1", lot.pk])
        from ledger.records import record_bytes

        lot.refresh_from_db()
        new = record_bytes(lot)
        _sql(
            "UPDATE ledger_ledgerleaf SET data = %s, leaf_hash = %s WHERE record_type = 'catalog.lot'",
            [new, leaf_hash_of(new)],
        )
        leaves = [bytes(h) for h in LedgerLeaf.objects.order_by("index").values_list("leaf_hash", flat=True)]
        stored = merkle.new_hashes_for_append_batch(0, leaves, merkle.MemoryHashStore())
        for i, h in enumerate(stored):
            LedgerHash.objects.filter(index=i).update(hash=h)
    res = run_audit()
    assert res.records_checked == 5 and res.mismatched_records == []
    assert any("signed root differs" in p for p in res.problems)
