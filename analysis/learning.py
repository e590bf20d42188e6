"""Yield ranges learned from the province's own harvests (issue 24), to be proposed to an officer, never applied.

The sample is one figure per growing area and finished crop year: its standing harvests in kg over its declared
hectares. Left out, so the table does not learn from what already looked wrong: areas ever flagged by the analysis
(open or dismissed: either way their figures were implausible under some table), areas with a corrected or voided
harvest entry, and the crop year still running (its harvests are partial and would drag the lower bound down).

A crop of a province is learned once it has `min_seasons` crop years and `min_areas` areas in the sample. The range
is median ± k · 1.4826 · MAD (the median absolute deviation, scaled to a normal's standard deviation): robust to
any share of outliers under half, unlike percentiles, which cut off a fixed share of honest areas by definition and
let a cluster of frauds above the 95th move the bound. The spread is at least 5 % of the median, so a crop whose
areas all record the same figure does not get a zero-width range."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from statistics import median
from typing import Any

from analysis.mass_balance import crop_year
from analysis.models import Flag, LearningSettings
from catalog.folding import fold
from catalog.models import GrowingArea
from catalog.yields import KG_PER_UNIT
from diary.choices import Activity
from diary.models import DiaryEntry

MAD_SCALE = 1.4826  # MAD × this estimates a normal distribution's standard deviation
MIN_SPREAD = 0.05  # of the median
STEP = Decimal(100)  # ranges are rounded outwards to 100 kg/ha


@dataclass(frozen=True)
class Settings:
    min_seasons: int
    min_areas: int
    mad_k: Decimal
    version: str  # "v<n>" of the agency's row, "catalog" for the defaults


DEFAULT = Settings(min_seasons=3, min_areas=10, mad_k=Decimal("3.5"), version="catalog")


@dataclass
class Learned:
    crop_key: str
    crop_label: str
    province_code: int | None
    min_kg: Decimal
    max_kg: Decimal
    settings: Settings
    stats: dict[str, Any] = field(default_factory=dict)


def settings_for(province_code: int | None) -> Settings:
    """The province's latest settings, else every province's, else the defaults."""
    for prov in (province_code, None):
        row = LearningSettings.objects.filter(province_code=prov).order_by("-version").first()
        if row is not None:
            return Settings(row.min_seasons, row.min_areas, row.mad_k, f"v{row.version}")
    return DEFAULT


def robust_range(values: list[float], k: Decimal) -> tuple[Decimal, Decimal, float, float]:
    """(low, high, median, scaled MAD) of the values; low ≥ 0, both rounded outwards to `STEP`."""
    mid = median(values)
    mad = median(abs(v - mid) for v in values) * MAD_SCALE
    spread = max(mad, MIN_SPREAD * mid)
    low = max(Decimal(0), Decimal(str(mid - float(k) * spread)))
    high = Decimal(str(mid + float(k) * spread))
    low = (low / STEP).to_integral_value(ROUND_FLOOR) * STEP
    high = (high / STEP).to_integral_value(ROUND_CEILING) * STEP
    return low, high, mid, mad


Key = tuple[str, int | None]  # (folded crop, province code)


def _samples(
    now: dt.datetime,
) -> tuple[dict[Key, list[tuple[int, int, float]]], dict[Key, Counter], dict[Key, Counter]]:
    """Per (crop key, province): (area, crop year, kg/ha) of the areas kept, how many areas were left out and why,
    and the crop's spellings (the commonest names the proposal)."""
    current = crop_year(now)
    totals: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    corrected: set[int] = set()
    rows = DiaryEntry.objects.filter(
        activity=Activity.HARVESTING, unit__in=list(KG_PER_UNIT), quantity__isnull=False
    ).values_list("growing_area_id", "occurred_at", "quantity", "unit", "correction")
    for area_id, when, quantity, unit, correction in rows.iterator(chunk_size=5000):
        if area_id is None:
            continue
        if correction:
            corrected.add(area_id)
            continue
        totals[(area_id, crop_year(when))] += (quantity or Decimal(0)) * KG_PER_UNIT[unit]
    flagged = set(Flag.objects.filter(growing_area__isnull=False).values_list("growing_area_id", flat=True))
    area_ids = {a for a, _y in totals} | corrected
    areas = {
        pk: (crop, ha, prov)
        for pk, crop, ha, prov in GrowingArea.objects.filter(pk__in=area_ids).values_list(
            "pk", "crop", "declared_area_ha", "organization__province_code"
        )
    }
    samples: dict[Key, list[tuple[int, int, float]]] = defaultdict(list)
    left_out: dict[Key, Counter] = defaultdict(Counter)
    labels: dict[Key, Counter] = defaultdict(Counter)
    seen: set[tuple[int, str]] = set()
    for (area_id, year), harvested in sorted(totals.items()):
        crop, ha, prov = areas[area_id]
        key = (fold(crop or ""), prov)
        if not key[0] or not ha:
            continue
        labels[key][crop.strip()] += 1
        reason = (
            "flagged"
            if area_id in flagged
            else "corrected"
            if area_id in corrected
            else "current_season"
            if year >= current
            else ""
        )
        if reason:
            if (area_id, reason) not in seen:
                seen.add((area_id, reason))
                left_out[key][reason] += 1
            continue
        samples[key].append((area_id, year, float(harvested / ha)))
    for area_id in corrected - {a for a, _y in totals}:
        crop, _ha, prov = areas[area_id]
        left_out[(fold(crop or ""), prov)]["corrected"] += 1
    return samples, left_out, labels


def learn(now: dt.datetime) -> list[Learned]:
    """A learned range for every crop and province with enough history (none for the others)."""
    samples, left_out, labels = _samples(now)
    found: list[Learned] = []
    for key, rows in sorted(samples.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
        crop_key, prov = key
        rule = settings_for(prov)
        seasons = sorted({y for _a, y, _v in rows})
        areas = {a for a, _y, _v in rows}
        if len(seasons) < rule.min_seasons or len(areas) < rule.min_areas:
            continue
        values = [v for _a, _y, v in rows]
        low, high, mid, mad = robust_range(values, rule.mad_k)
        outside = sorted({a for a, _y, v in rows if not low <= Decimal(str(v)) <= high})
        found.append(
            Learned(
                crop_key=crop_key[:60],
                crop_label=labels[key].most_common(1)[0][0][:120],
                province_code=prov,
                min_kg=low,
                max_kg=high,
                settings=rule,
                stats={
                    "samples": len(values),
                    "areas": len(areas),
                    "seasons": [f"{y}–{y + 1}" for y in seasons],
                    "median": round(mid, 1),
                    "mad": round(mad, 1),
                    "k": str(rule.mad_k),
                    "lowest": round(min(values), 1),
                    "highest": round(max(values), 1),
                    "outside_areas": len(outside),
                    "left_out": dict(sorted(left_out.get(key, Counter()).items())),
                    "method": f"median ± {rule.mad_k}·1.4826·MAD",
                },
            )
        )
    return found
