"""Reads of the stamps domain: a stamp by its code, and the counterfeit signals of its scans."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Min

from stamps.choices import CheckResult
from stamps.models import Scan, Stamp

# An item is one bag on one shelf: a handful of people scan it in one town. Beyond these, warn.
MANY_SCANS = 20
MANY_ADDRESSES = 8
MANY_PLACES = 3  # distinct 0.1° cells (about 11 km)


@dataclass
class ScanSignals:
    """What the item page tells the consumer about a serial's scans."""

    count: int = 0
    first_at: dt.datetime | None = None
    addresses: int = 0
    places: int = 0
    mismatches: int = 0
    warnings: list[str] = field(default_factory=list)  # codes: many_scans, many_places, check_mismatch

    @property
    def suspicious(self) -> bool:
        return bool(self.warnings)


def stamp_for(gtin: str, serial: str) -> Stamp | None:
    return (
        Stamp.objects.select_related("batch__product__organization", "batch__lot", "batch__organization")
        .filter(gtin=gtin, serial=serial)
        .first()
    )


def scan_signals(gtin: str, serial: str) -> ScanSignals:
    scans = Scan.objects.filter(gtin=gtin, serial=serial)
    views = scans.filter(check_result=CheckResult.NONE)
    agg = views.aggregate(n=Count("id"), first=Min("at"), addresses=Count("address_hash", distinct=True))
    places = views.exclude(latitude=None).values_list("latitude", "longitude").distinct().count()
    mismatches = scans.filter(check_result=CheckResult.MISMATCH).count()
    signals = ScanSignals(
        count=agg["n"] or 0,
        first_at=agg["first"],
        addresses=agg["addresses"] or 0,
        places=places,
        mismatches=mismatches,
    )
    if signals.count > MANY_SCANS or signals.addresses > MANY_ADDRESSES:
        signals.warnings.append("many_scans")
    if signals.places > MANY_PLACES:
        signals.warnings.append("many_places")
    if mismatches and not scans.filter(check_result=CheckResult.MATCH).exists():
        signals.warnings.append("check_mismatch")
    return signals
