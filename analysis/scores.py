"""Data-quality score per organisation (0–100) and the agency's ranked inspection list.

Score = 100 × (0.4 completeness + 0.3 timeliness + 0.15 corrections + 0.15 flags resolved), each part 0–1:
completeness of the Circular 02/2024 Art. 6.3 items its products and lots carry (image, brand, standards, shelf
life, the organisation's address, origin areas or inputs of each lot); timeliness: diary entries recorded within
2 days of the work; corrections: entries not corrected or voided; flags: 1 / (1 + open flags). Copied-stamp flags
name the product's owner, more likely the victim: they count in neither the score nor the risk.
Risk = category (high 3, medium 2, low 1) × (2 − score/100) × (1 + open flags) × (1 + years since the last
inspection, at most 2)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Q

from analysis.choices import STAMP_KINDS, FlagStatus
from analysis.models import Flag
from catalog.models import Lot, Organization, Product
from diary.models import DiaryEntry
from quality.models import Inspection

WEIGHTS = {
    "completeness": Decimal("0.40"),
    "timeliness": Decimal("0.30"),
    "corrections": Decimal("0.15"),
    "flags": Decimal("0.15"),
}
ON_TIME = dt.timedelta(days=2)
RISK = {"high": 3, "medium": 2, "low": 1}

HINTS = {
    "completeness": "Bổ sung ảnh, nhãn hiệu, tiêu chuẩn áp dụng, hạn sử dụng cho sản phẩm và vùng trồng cho lô.",
    "timeliness": "Ghi nhật ký trong ngày làm việc (hoặc trong 2 ngày), không dồn nhập sau.",
    "corrections": "Kiểm tra kỹ trước khi lưu để ít phải sửa hay huỷ bản ghi.",
    "flags": "Gửi giải trình cho các cảnh báo đang mở để cán bộ xem xét.",
}


def _ratio(good: int, total: int) -> Decimal:
    return (Decimal(good) / Decimal(total)).quantize(Decimal("0.001")) if total else Decimal(1)


def compute(now: dt.datetime) -> dict[int, tuple[Decimal, dict[str, str]]]:
    """Every producing organisation's score and parts, in a few grouped queries."""
    orgs = list(Organization.objects.exclude(kind="agency").values_list("pk", "street_address"))
    products = Product.objects.values("organization_id").annotate(
        n=Count("pk"),
        image=Count("pk", filter=~Q(image="")),
        brand=Count("pk", filter=~Q(brand="")),
        standards=Count("pk", filter=~Q(standards="")),
        shelf=Count("pk", filter=Q(shelf_life_days__isnull=False)),
    )
    prod = {r["organization_id"]: r for r in products}
    lots = Lot.objects.values("product__organization_id").annotate(
        n=Count("pk", distinct=True),
        origin=Count("pk", distinct=True, filter=Q(origin_areas__isnull=False) | Q(made_by__isnull=False)),
    )
    lot = {r["product__organization_id"]: r for r in lots}
    since = now - dt.timedelta(days=365)
    entries = (
        DiaryEntry.objects.filter(occurred_at__gte=since)
        .values("organization_id")
        .annotate(n=Count("pk"), corrected=Count("pk", filter=~Q(correction="")))
    )
    diary = {r["organization_id"]: r for r in entries}
    timely: dict[int, int] = defaultdict(int)
    for org_id, created, occurred in (
        DiaryEntry.objects.filter(occurred_at__gte=since)
        .values_list("organization_id", "created_at", "occurred_at")
        .iterator(chunk_size=10000)
    ):
        if created - occurred <= ON_TIME:
            timely[org_id] += 1
    flags = (
        Flag.objects.exclude(kind__in=STAMP_KINDS)
        .values("organization_id")
        .annotate(open=Count("pk", filter=Q(status=FlagStatus.OPEN)))
    )
    open_flags = {r["organization_id"]: r["open"] for r in flags}
    out: dict[int, tuple[Decimal, dict[str, str]]] = {}
    for org_id, address in orgs:
        p, lt, d = prod.get(org_id), lot.get(org_id), diary.get(org_id)
        have = (
            (1 if address else 0)
            + (p["image"] + p["brand"] + p["standards"] + p["shelf"] if p else 0)
            + (lt["origin"] if lt else 0)
        )
        need = 1 + (4 * p["n"] if p else 0) + (lt["n"] if lt else 0)
        parts = {
            "completeness": _ratio(have, need),
            "timeliness": _ratio(timely.get(org_id, 0), d["n"] if d else 0),
            "corrections": _ratio((d["n"] - d["corrected"]) if d else 0, d["n"] if d else 0),
            "flags": (Decimal(1) / (1 + open_flags.get(org_id, 0))).quantize(Decimal("0.001")),
        }
        score = (sum((WEIGHTS[k] * v for k, v in parts.items()), Decimal(0)) * 100).quantize(Decimal("0.1"))
        out[org_id] = (score, {k: str(v) for k, v in parts.items()})
    return out


def hints(parts: dict[str, str]) -> list[tuple[str, Decimal]]:
    """What would raise the score most: each part below full, with the points it would add at full."""
    gains = [(k, ((1 - Decimal(v)) * WEIGHTS[k] * 100).quantize(Decimal("0.1"))) for k, v in parts.items()]
    return [(HINTS[k], g) for k, g in sorted(gains, key=lambda kg: -kg[1]) if g > 0]


@dataclass(frozen=True)
class Ranked:
    organization: Organization
    risk: Decimal
    category: int
    score: Decimal
    open_flags: int
    last_inspected: dt.date | None
    years: Decimal


def ranking(orgs: list[Organization], scores: dict[int, Decimal], today: dt.date) -> list[Ranked]:
    ids = [o.pk for o in orgs]
    category: dict[int, int] = defaultdict(lambda: 1)
    for org_id, risk in Product.objects.filter(organization_id__in=ids).values_list("organization_id", "risk_class"):
        category[org_id] = max(category[org_id], RISK.get(risk, 1))
    flags = dict(
        Flag.objects.filter(organization_id__in=ids, status=FlagStatus.OPEN)
        .exclude(kind__in=STAMP_KINDS)
        .values("organization_id")
        .annotate(n=Count("pk"))
        .values_list("organization_id", "n")
    )
    last = dict(
        Inspection.objects.filter(organization_id__in=ids, inspected_on__isnull=False)
        .values("organization_id")
        .annotate(last=Max("inspected_on"))
        .values_list("organization_id", "last")
    )
    out = []
    for org in orgs:
        score = scores.get(org.pk, Decimal(100))
        seen = last.get(org.pk)
        years = min(Decimal((today - seen).days) / 365 if seen else Decimal(2), Decimal(2)).quantize(Decimal("0.01"))
        risk = Decimal(category[org.pk]) * (2 - score / 100) * (1 + flags.get(org.pk, 0)) * (1 + years)
        out.append(
            Ranked(org, risk.quantize(Decimal("0.01")), category[org.pk], score, flags.get(org.pk, 0), seen, years)
        )
    return sorted(out, key=lambda r: (-r.risk, r.organization.name))
