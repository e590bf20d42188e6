"""Document numbers of an issuing body: 01, 02… per issuer, kind and year (Nghị định 30/2020/NĐ-CP, Điều 15).

`take_number` is called inside the service that issues the document (its transaction), so a number is never
handed out for a document that was not stored; the counter row is locked while it is read and bumped.
"""

from __future__ import annotations

from django.db import transaction

from reports.models import DocumentCounter


def take_number(issuer: str, year: int, kind: str) -> int:
    """The next number of `issuer`'s `kind` documents ("BC", "QĐ", "TB") in `year`: 1, 2, 3…"""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_number runs inside the issuing service's transaction")
    DocumentCounter.objects.get_or_create(issuer=issuer, year=year, kind=kind)
    counter = DocumentCounter.objects.select_for_update().get(issuer=issuer, year=year, kind=kind)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last
