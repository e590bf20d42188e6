"""The demo province: realistic, complete enough to publish, and idempotent."""

from __future__ import annotations

import io

from django.core.management import call_command

from accounts.models import User
from catalog.models import Certificate, GrowingArea, Lot, Organization
from catalog.services import missing_for_publication
from core.models import AuditEntry
from ledger.models import LedgerLeaf


def _demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def test_demo_province_is_complete_and_idempotent(db):
    first = _demo()
    assert "admin" in first and "canbo.skhcn" in first and "htx.samngoclinh" in first
    producers = Organization.objects.exclude(kind="agency")
    assert producers.count() >= 8
    assert Organization.objects.filter(kind="agency", status="approved").exists()
    published = Lot.objects.filter(status="published")
    assert published.count() >= 10
    assert published.values("product__category").distinct().count() >= 5
    assert all(missing_for_publication(lot) == [] for lot in published)
    assert Certificate.objects.filter(valid_to__lt="2026-11-28").exists()  # some expired
    assert all(
        abs(float(a.computed_area_ha) - float(a.declared_area_ha)) / float(a.declared_area_ha) < 0.2
        for a in GrowingArea.objects.all()
    )
    assert User.objects.get(username="canbo.skhcn").agency.kind == "agency"
    counts = (Organization.objects.count(), Lot.objects.count(), AuditEntry.objects.count(), LedgerLeaf.objects.count())

    second = _demo()
    assert "0 bản ghi mới" in second
    assert (
        Organization.objects.count(),
        Lot.objects.count(),
        AuditEntry.objects.count(),
        LedgerLeaf.objects.count(),
    ) == counts


def test_demo_pages_browsable(client, db):
    _demo()
    lot = Lot.objects.filter(status="published").select_related("product").first()
    assert client.get("/").status_code == 200
    page = client.get(f"/01/{lot.product.gtin}/10/{lot.lot_code}")
    assert page.status_code == 200
    assert lot.product.name in page.content.decode()
    assert client.get("/tim-kiem/?q=Sâm").status_code == 200
