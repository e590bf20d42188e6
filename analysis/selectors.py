"""Reads the analysis pages share: flags an officer or an organisation may see, the latest run, the consumer's
gentle warning for a stamp, and the trends on the agency dashboard."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from vietnam_provinces import Ward, WardCode

from accounts.permissions import Actor, agency_of, is_platform_admin
from analysis.choices import STAMP_KINDS, FlagStatus, ProposalStatus, RunStatus
from analysis.geo import place_name
from analysis.models import AnalysisRun, Flag, LearningSettings, YieldProposal
from catalog.models import Lot, Organization, Product
from catalog.yields import KG_PER_UNIT
from diary.choices import Activity
from diary.models import DiaryEntry
from stamps.models import Scan


def flags_for_officer(actor: Actor) -> QuerySet[Flag]:
    """The flags of the officer's province (every flag for a platform admin)."""
    flags = Flag.objects.select_related("organization")
    if is_platform_admin(actor):
        return flags
    agency = agency_of(actor)
    return flags.filter(province_code=agency.province_code) if agency else flags.none()


def proposals_for_officer(actor: Actor) -> QuerySet[YieldProposal]:
    """Learned yield ranges of the officer's province (all for a platform admin), open ones first."""
    rows = YieldProposal.objects.select_related("reference", "decided_by")
    if not is_platform_admin(actor):
        agency = agency_of(actor)
        rows = rows.filter(province_code=agency.province_code) if agency else rows.none()
    return rows.exclude(status=ProposalStatus.SUPERSEDED).order_by("-status", "-created_at", "-pk")


def learning_settings_for(actor: Actor) -> QuerySet[LearningSettings]:
    """The versions of the learning thresholds the officer's province uses (its own, then every province's)."""
    agency = agency_of(actor)
    rows = LearningSettings.objects.select_related("created_by")
    if agency is None:
        return rows.filter(province_code__isnull=True)
    return rows.filter(province_code=agency.province_code) | rows.filter(province_code__isnull=True)


def flags_for_organization(org: Organization) -> QuerySet[Flag]:
    return Flag.objects.filter(organization=org).order_by("status", "-severity", "-created_at")


def latest_run() -> AnalysisRun | None:
    return AnalysisRun.objects.first()


def latest_done() -> AnalysisRun | None:
    return AnalysisRun.objects.filter(status=RunStatus.DONE).first()


def stamp_warning(gtin: str, serial: str) -> Flag | None:
    """An open copied-stamp flag on this serial, for the consumer page's gentle warning."""
    if not serial:
        return None
    return Flag.objects.filter(gtin=gtin, serial=serial, kind__in=STAMP_KINDS, status=FlagStatus.OPEN).first()


def production_by_crop_and_commune(province_code: int | None) -> list[dict[str, Any]]:
    """Harvested kg per crop and commune (the growing area's ward) from the standing harvest entries."""
    rows = DiaryEntry.objects.filter(activity=Activity.HARVESTING, correction="", unit__in=list(KG_PER_UNIT))
    if province_code is not None:
        rows = rows.filter(organization__province_code=province_code)
    totals: dict[tuple[str, int | None], Decimal] = defaultdict(Decimal)
    for crop, ward, unit, q in rows.values_list("growing_area__crop", "growing_area__ward_code", "unit").annotate(
        q=Sum("quantity")
    ):
        totals[(crop or "", ward)] += (q or Decimal(0)) * KG_PER_UNIT[unit]
    return [
        {"crop": crop, "ward": _ward(ward), "kg": kg}
        for (crop, ward), kg in sorted(totals.items(), key=lambda kv: -kv[1])
    ]


def _ward(code: int | None) -> str:
    try:
        return Ward.from_code(WardCode(code)).name if code else ""
    except ValueError:
        return ""


def published_by_category(province_code: int | None) -> list[dict[str, Any]]:
    lots = Lot.objects.filter(status="published")
    if province_code is not None:
        lots = lots.filter(product__organization__province_code=province_code)
    return list(
        lots.values("product__category__name", "unit").annotate(total=Sum("quantity"), n=Count("pk")).order_by("-total")
    )


def scans_by_region(province_code: int | None) -> list[tuple[Decimal, Decimal, int, str]]:
    """Located scans of the province's products, counted per named place (a proxy for where products sell)."""
    scans = Scan.objects.filter(latitude__isnull=False, longitude__isnull=False)
    if province_code is not None:
        gtins = Product.objects.filter(organization__province_code=province_code).values("gtin")
        scans = scans.filter(gtin__in=gtins)
    counts: dict[str, list[Any]] = {}
    for lat, lon, n in scans.values_list("latitude", "longitude").annotate(n=Count("pk")):
        name = place_name(float(lat), float(lon))
        entry = counts.setdefault(name, [lat, lon, 0])
        entry[2] += n
    return sorted(((v[0], v[1], v[2], k) for k, v in counts.items()), key=lambda r: -r[2])
