"""Mass balance, read from the one record: harvests (the diary's projection of commissioning events) against each
growing area's hectares × the crop's yield range, per crop year; processors' TransformationEvents (outputs against
inputs × the conversion factor of the products); organisations' shipments and uses against what they had.

Decimal arithmetic throughout; a breach is a `Finding` with the figures behind it and the lots affected."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import F, Sum
from django.utils.translation import override

from analysis.choices import FlagKind, YieldSource
from analysis.findings import Finding, kg
from analysis.references import Factor, References
from catalog.choices import RiskClass
from catalog.models import GrowingArea, Lot, Product
from catalog.yields import KG_PER_UNIT
from diary.choices import Activity
from diary.models import DiaryEntry
from events.models import Event
from gs1.identifiers import parse_key
from logistics.models import ShipmentLine, TransformationInput

TOLERANCE = Decimal("1.00")  # a breach is beyond the range itself: the ranges are already generous
CROP_YEAR_START = 10  # October: Vietnam's coffee (and most crops') season runs October to September


def crop_year(when: dt.datetime) -> int:
    """The crop year a harvest belongs to, named by the year it starts (Oct 2025–Sep 2026 is 2025)."""
    return when.year if when.month >= CROP_YEAR_START else when.year - 1


def _high_risk_lots(lot_ids: set[int]) -> set[int]:
    """Of these lots, those of high-risk products not yet published (their publication may be held)."""
    return set(
        Lot.objects.filter(
            pk__in=lot_ids, product__risk_class=RiskClass.HIGH, status__in=("draft", "submitted")
        ).values_list("pk", flat=True)
    )


def _version(version: str) -> str:
    """The " (v2)" after a table's figures; nothing for the built-in ones (the producer reads this evidence too, and
    "catalog" is a code: the source row says the system's default in words)."""
    return "" if version == "catalog" else f" ({version})"


def _source_text(source: str) -> str:
    """The table's source in Vietnamese, as evidence is stored (the flag page adds it in the reader's language)."""
    with override("vi"):
        return str(YieldSource(source).label)


def area_yields(refs: References) -> Iterator[Finding]:
    """Harvests per growing area and crop year beyond hectares × the crop's maximum yield."""
    totals: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    lots: dict[tuple[int, int], set[int]] = defaultdict(set)
    rows = DiaryEntry.objects.filter(
        activity=Activity.HARVESTING, correction="", unit__in=list(KG_PER_UNIT), quantity__isnull=False
    ).values_list("growing_area_id", "occurred_at", "quantity", "unit", "lot_id")
    for area_id, when, quantity, unit, lot_id in rows.iterator(chunk_size=5000):
        key = (area_id, crop_year(when))
        totals[key] += (quantity or Decimal(0)) * KG_PER_UNIT[unit]
        if lot_id:
            lots[key].add(lot_id)
    areas = GrowingArea.objects.select_related("organization").in_bulk({a for a, _y in totals})
    lot_rows = {
        lot.pk: lot
        for lot in Lot.objects.filter(pk__in={i for s in lots.values() for i in s}).select_related("product")
    }
    for (area_id, year), harvested in sorted(totals.items()):
        area = areas[area_id]
        org = area.organization
        rng = refs.yield_for(area.crop, org.province_code)
        ceiling = (area.declared_area_ha * rng.max_kg).quantize(Decimal("0.1"))
        if not area.declared_area_ha or harvested <= ceiling * TOLERANCE:
            continue
        ratio = (harvested / ceiling).quantize(Decimal("0.01")) if ceiling else Decimal(0)
        affected = sorted(lots[(area_id, year)])
        yield Finding(
            kind=FlagKind.AREA_YIELD,
            fingerprint=f"area_yield:{area_id}:{year}",
            organization_id=org.pk,
            growing_area_id=area_id,
            severity=ratio,
            facts={
                "area": area.name,
                "code": area.code,
                "season": f"{year}–{year + 1}",
                "harvested": kg(harvested),
                "ceiling": kg(ceiling),
                "ratio": str(ratio),
                "ha": str(area.declared_area_ha),
                "crop": rng.label,
            },
            evidence=[
                ("Diện tích khai báo (ha)", str(area.declared_area_ha)),
                ("Năng suất tham chiếu (kg/ha/năm)", f"{kg(rng.min_kg)}–{kg(rng.max_kg)}{_version(rng.version)}"),
                ("Nguồn bảng năng suất", _source_text(rng.source)),
                ("Sản lượng tối đa hợp lý (kg)", kg(ceiling)),
                ("Đã thu hoạch trong niên vụ (kg)", kg(harvested)),
            ],
            lots=[(i, lot_rows[i].product.name, lot_rows[i].lot_code) for i in affected if i in lot_rows],
            hold_lot_ids=sorted(_high_risk_lots(set(affected))),
            thresholds={"yield": rng.version, "yield_source": rng.source, "crop_year_start_month": CROP_YEAR_START},
        )


def _kg(entry: dict[str, Any]) -> Decimal | None:
    factor = KG_PER_UNIT.get(str(entry.get("uom") or "KGM"))
    try:
        return None if factor is None else Decimal(str(entry["quantity"])) * factor
    except (KeyError, ArithmeticError, ValueError):
        return None


def _gtin(epc_class: str) -> str:
    try:
        key = parse_key(epc_class)
    except ValueError:
        return ""
    return key.gtin14 or ""


def processors(refs: References, names: dict[str, str] | None = None) -> Iterator[Finding]:
    """Per organisation and process (the conversion factor its products fall under): the outputs of its
    TransformationEvents against their inputs × the factor's maximum."""
    names = names if names is not None else dict(Product.objects.values_list("gtin", "name"))
    sums: dict[tuple[int, str, str], list[Any]] = {}
    rows = Event.objects.filter(type="TransformationEvent", organization__isnull=False, error_declaration=None)
    for org_id, body in rows.values_list("organization_id", "body").iterator(chunk_size=2000):
        doc = json.loads(body)
        inputs = doc.get("inputQuantityList") or []
        outputs = doc.get("outputQuantityList") or []
        in_kg = [q for q in (_kg(e) for e in inputs) if q is not None]
        out_kg = [q for q in (_kg(e) for e in outputs) if q is not None]
        if not in_kg or not out_kg:
            continue
        in_name = names.get(_gtin(str(inputs[0].get("epcClass", ""))), "")
        out_name = names.get(_gtin(str(outputs[0].get("epcClass", ""))), "")
        found: Factor = refs.factor_for(in_name, out_name)
        key = (org_id, found.input_key, found.output_key)
        acc = sums.setdefault(key, [Decimal(0), Decimal(0), 0, found, []])
        acc[0] += sum(in_kg, Decimal(0))
        acc[1] += sum(out_kg, Decimal(0))
        acc[2] += 1
        if len(acc[4]) < 20:
            acc[4] += [str(e.get("epcClass", "")) for e in outputs]
    for (org_id, _i, _o), (inputs_kg, outputs_kg, count, factor, out_keys) in sorted(
        sums.items(), key=lambda kv: kv[0]
    ):
        allowed = (inputs_kg * factor.max_ratio).quantize(Decimal("0.1"))
        if outputs_kg <= allowed * TOLERANCE:
            continue
        ratio = (outputs_kg / inputs_kg).quantize(Decimal("0.001"))
        yield Finding(
            kind=FlagKind.PROCESSOR_BALANCE,
            fingerprint=f"processor:{org_id}:{factor.input_key}:{factor.output_key}",
            organization_id=org_id,
            severity=(outputs_kg / allowed).quantize(Decimal("0.01")) if allowed else Decimal(10),
            facts={
                "process": factor.label,
                "inputs": kg(inputs_kg),
                "outputs": kg(outputs_kg),
                "allowed": kg(allowed),
                "ratio": str(ratio),
                "count": count,
            },
            evidence=[
                ("Công đoạn", factor.label),
                ("Số lần chế biến", str(count)),
                ("Nguyên liệu vào (kg)", kg(inputs_kg)),
                ("Thành phẩm ra (kg)", kg(outputs_kg)),
                ("Hệ số chuyển đổi cho phép", f"{factor.min_ratio}–{factor.max_ratio}{_version(factor.version)}"),
            ],
            lots=_lots_of(out_keys),
            thresholds={"factor": factor.version},
        )


def _lots_of(keys: list[str]) -> list[tuple[int, str, str]]:
    wanted: list[tuple[str, str]] = []
    for k in keys:
        try:
            parsed = parse_key(k)
        except ValueError:
            continue
        gtin, lot_code = parsed.gtin14 or "", parsed.lot or ""
        if gtin and lot_code:
            wanted.append((gtin, lot_code))
    if not wanted:
        return []
    found = Lot.objects.filter(product__gtin__in={g for g, _c in wanted}, lot_code__in={c for _g, c in wanted})
    by_key = {(lot.product.gtin, lot.lot_code): lot for lot in found.select_related("product")}
    return [(lot.pk, lot.product.name, lot.lot_code) for k in wanted if (lot := by_key.get(k)) is not None]


def shipped_against_stock() -> Iterator[Finding]:
    """Per organisation and lot: what it shipped and used in processing against what it had (its own lot's
    quantity if it made it, plus what it received of it)."""
    had: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    out: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for pk, org_id, quantity in Lot.objects.values_list("pk", "product__organization_id", "quantity").iterator():
        had[(org_id, pk)] += quantity
    received = (
        ShipmentLine.objects.filter(shipment__receiver__isnull=False, received_quantity__isnull=False)
        .values("shipment__receiver_id", "lot_id")
        .annotate(q=Sum("received_quantity"))
    )
    for row in received:
        had[(row["shipment__receiver_id"], row["lot_id"])] += row["q"]
    for row in ShipmentLine.objects.values("shipment__sender_id", "lot_id").annotate(q=Sum("quantity")):
        out[(row["shipment__sender_id"], row["lot_id"])] += row["q"]
    used = TransformationInput.objects.values(org=F("transformation__organization_id"), lid=F("lot_id"))
    for row in used.annotate(q=Sum("quantity")):
        out[(row["org"], row["lid"])] += row["q"]
    breaches: dict[int, list[tuple[int, Decimal, Decimal]]] = defaultdict(list)
    for (org_id, lot_id), q in out.items():
        if q > had.get((org_id, lot_id), Decimal(0)):
            breaches[org_id].append((lot_id, had.get((org_id, lot_id), Decimal(0)), q))
    lots = Lot.objects.select_related("product").in_bulk({lid for rows in breaches.values() for lid, _h, _q in rows})
    for org_id, rows in sorted(breaches.items()):
        total_had = sum((h for _l, h, _q in rows), Decimal(0))
        total_out = sum((q for _l, _h, q in rows), Decimal(0))
        yield Finding(
            kind=FlagKind.SHIPPED_STOCK,
            fingerprint=f"shipped:{org_id}",
            organization_id=org_id,
            severity=(total_out / total_had).quantize(Decimal("0.01")) if total_had else Decimal(10),
            facts={"count": len(rows), "had": kg(total_had), "out": kg(total_out)},
            evidence=[
                (f"{lots[lid].product.name} · {lots[lid].lot_code}", f"{kg(h)} → {kg(q)}") for lid, h, q in rows[:20]
            ],
            lots=[(lid, lots[lid].product.name, lots[lid].lot_code) for lid, _h, _q in rows[:20]],
        )
