"""The due-diligence assessment of a shipment: its plots of origin through the trace, and every check on them.

A shipment's lots are traced backward (`events.trace.trace`, as the exporter may see the chain); every lot of
the trace that is a catalogue lot brings its growing areas (`Lot.origin_areas`: a harvest's plots, carried to what
is made from it). Each plot is checked against the EU file description and the Regulation (`exchange.eudr.geo`)
and, where a forest-cover layer is configured, for overlap with forest at the cut-off date. Lots whose plots
fail are named with the reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import GrowingArea, Lot
from catalog.selectors import digital_link
from core.errors import NotFound
from events.records import RECORD_TYPE as EVENT_RECORD
from events.trace import trace

if TYPE_CHECKING:  # shapely and pyproj load on the first EUDR check, not at every start-up
    from exchange.eudr import geo


CUTOFF = dt.date(2020, 12, 31)  # Regulation (EU) 2023/1115, Art. 2(13)
COUNTRY = "VN"

# Product categories of the priority catalogue that are relevant commodities (Annex I), with the HS heading
# declared by default; the exporter may give a finer code (e.g. 0901 11 green coffee, 0901 21 roasted).
COMMODITIES: dict[str, tuple[str, str]] = {
    "coffee": ("coffee", "0901"),
    "rubber": ("rubber", "4001"),
    "cocoa": ("cocoa", "1801"),
    "wood": ("wood", "4403"),
    "soy": ("soya", "1201"),
    "oil-palm": ("oil palm", "1511"),
    "cattle": ("cattle", "0102"),
}


@dataclass
class PlotCheck:
    area: GrowingArea
    feature: dict[str, Any] | None
    problems: list[geo.Problem] = field(default_factory=list)
    overlap_ha: float | None = None  # None: no layer; -1: a point plot inside forest
    lots: list[Lot] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.in_forest

    @property
    def in_forest(self) -> bool:
        return self.overlap_ha is not None and (self.overlap_ha < 0 or self.overlap_ha > 0.0001)

    def reasons(self) -> list[str]:
        out = [p.text() for p in self.problems]
        if self.in_forest:
            if self.overlap_ha is not None and self.overlap_ha < 0:
                out.append("điểm thửa nằm trong rừng / the plot's point lies in forest")
            else:
                out.append(f"chồng lấn rừng {self.overlap_ha:.4f} ha / overlaps forest by {self.overlap_ha:.4f} ha")
        return out


@dataclass(frozen=True)
class Subject:
    """What a statement covers: a shipment, one lot, or a season's lots of a product (its production period)."""

    kind: str  # "shipment", "lot" or "season"
    key: str  # the shipment's public id, "GTIN/lot code", or "GTIN:from:to"
    label: str
    operator: Any  # the organisation that places the goods on the market (the shipment's sender, the lot's owner)
    date: dt.date


@dataclass
class Assessment:
    subject: Subject
    commodity: str = ""
    hs_code: str = ""
    errors: list[str] = field(default_factory=list)
    quantities: dict[str, Decimal] = field(default_factory=dict)
    period: tuple[dt.date, dt.date] | None = None
    plots: list[PlotCheck] = field(default_factory=list)
    lots: list[Lot] = field(default_factory=list)
    event_pks: list[int] = field(default_factory=list)
    forest_layer: str = ""
    _geojson: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.plots) and all(p.ok for p in self.plots)

    def failing_lots(self) -> list[tuple[Lot, GrowingArea, list[str]]]:
        """(origin lot, plot, reasons) for every plot that fails, named by the lots harvested from it."""
        return [(lot, p.area, p.reasons()) for p in self.plots if not p.ok for lot in p.lots]

    def collection(self) -> dict[str, Any]:
        return {"type": "FeatureCollection", "features": [p.feature for p in self.plots if p.feature]}

    def geojson(self) -> str:
        from exchange.eudr import geo

        if self._geojson is None:
            self._geojson = geo.dumps(self.collection())
        return self._geojson

    def geojson_sha256(self) -> str:
        return hashlib.sha256(self.geojson().encode("utf-8")).hexdigest()

    def net_mass_kg(self) -> Decimal | None:
        """The net mass in kilograms the statement declares (None when a quantity is not in a unit of mass)."""
        total = Decimal(0)
        for unit, q in self.quantities.items():
            if unit not in MASS_KG:
                return None
            total += q * MASS_KG[unit]
        return total

    def ledger_refs(self) -> list[tuple[str, str]]:
        return [(EVENT_RECORD, str(pk)) for pk in self.event_pks] + [("catalog.lot", str(lot.pk)) for lot in self.lots]


MASS_KG = {"KGM": Decimal(1), "TNE": Decimal(1000), "GRM": Decimal("0.001")}
_LAYER: dict[str, Any] = {}


def forest_layer() -> geo.ForestLayer | None:
    """The configured forest-cover layer (`TRUYXUAT_EUDR_FOREST_LAYER`), read once per file version; None if none."""
    from exchange.eudr import geo

    path = settings.TRUYXUAT_EUDR_FOREST_LAYER
    if not path:
        return None
    data = Path(path).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if _LAYER.get("digest") != digest:
        name = f"{Path(path).name} (sha256 {digest})"
        layer = geo.ForestLayer.from_geopackage(name, path) if data[:16] == geo.SQLITE else None
        _LAYER.update(digest=digest, layer=layer or geo.ForestLayer.from_bytes(name, data))
    return _LAYER["layer"]  # type: ignore[no-any-return]


def feature(area: GrowingArea) -> dict[str, Any] | None:
    """The plot as a Feature of the EU file: one per plot, its producer, country, place and area."""
    from exchange.eudr import geo

    geometry = area.boundary if isinstance(area.boundary, dict) else None
    if not geometry or geometry.get("type") not in ("Point", "Polygon", "MultiPolygon"):
        return None
    return {
        "type": "Feature",
        "properties": {
            "ProducerName": area.organization.name,
            "ProducerCountry": COUNTRY,
            "ProductionPlace": f"{area.name} ({area.code})",
            "Area": float(round(area.declared_area_ha, 4)),
        },
        "geometry": geo.rounded(geometry),
    }


def _traced(lots: list[Lot], viewer: Any) -> tuple[list[Lot], list[int]]:
    """Every catalogue lot upstream of `lots` (and the lots themselves) as `viewer` may see the chain; event pks."""
    pairs: set[tuple[str, str]] = set()
    event_pks: set[int] = set()
    for lot in lots:
        pairs.add((lot.product.gtin, lot.lot_code))
        try:
            result = trace(digital_link(lot.product.gtin, lot.lot_code), direction="backward", viewer=viewer)
        except NotFound:
            continue
        pairs.update((n["gtin"], n["lot"]) for n in result.lots if n["gtin"] and n["lot"])
        event_pks.update(result.event_pks)
    gtins = sorted({g for g, _ in pairs})
    codes = sorted({c for _, c in pairs})
    rows = Lot.objects.filter(product__gtin__in=gtins, lot_code__in=codes).select_related("product__category")
    found = [row for row in rows.order_by() if (row.product.gtin, row.lot_code) in pairs]
    return sorted(found, key=lambda x: x.pk), sorted(event_pks)


def for_shipment(shipment: Any) -> tuple[Subject, list[tuple[Lot, Decimal]]]:
    lines = list(shipment.lines.select_related("lot__product__category"))
    label = f"{shipment.receiver_label} · {timezone.localtime(shipment.shipped_at):%d/%m/%Y}"
    subject = Subject("shipment", str(shipment.public_id), label, shipment.sender, shipment.shipped_at.date())
    return subject, [(line.lot, line.quantity) for line in lines]


def for_lot(lot: Lot) -> tuple[Subject, list[tuple[Lot, Decimal]]]:
    label = f"{lot.product.name} · {lot.lot_code}"
    subject = Subject("lot", f"{lot.product.gtin}/{lot.lot_code}", label, lot.product.organization, lot.production_date)
    return subject, [(lot, lot.quantity)]


def for_season(product: Any, start: dt.date, end: dt.date) -> tuple[Subject, list[tuple[Lot, Decimal]]]:
    """The lots of `product` produced from `start` to `end` (a season), each with its quantity."""
    lots = Lot.objects.filter(product=product, production_date__range=(start, end)).select_related("product__category")
    label = f"{product.name} · {start:%d/%m/%Y} – {end:%d/%m/%Y}"
    subject = Subject("season", f"{product.gtin}:{start}:{end}", label, product.organization, end)
    return subject, [(lot, lot.quantity) for lot in lots.order_by("production_date", "id")]


def assess(shipment: Any, viewer: Any, hs_code: str = "") -> Assessment:
    """Everything the exporter's page shows and the package carries, for a shipment as `viewer` sees its chain."""
    subject, lines = for_shipment(shipment)
    return assess_lots(subject, lines, viewer, hs_code)


def assess_lots(subject: Subject, lines: list[tuple[Lot, Decimal]], viewer: Any, hs_code: str = "") -> Assessment:
    """The assessment of `lines` (lot, quantity): commodity and HS code, quantities, plots through the trace."""
    from exchange.eudr import geo

    result = Assessment(subject=subject)
    if not lines:
        result.errors.append(_("Không có lô hàng nào để lập hồ sơ."))
        return result
    commodities = set()
    for lot, quantity in lines:
        code = lot.product.category.code
        commodities.add(COMMODITIES.get(code, ("", ""))[0] or f"?{lot.product.category.name}")
        result.quantities[lot.unit] = result.quantities.get(lot.unit, Decimal(0)) + quantity
    outside = sorted(c[1:] for c in commodities if c.startswith("?"))
    if outside:
        result.errors.append(_("Không thuộc mặt hàng EUDR: %(names)s.") % {"names": ", ".join(outside)})
    elif len(commodities) > 1:
        result.errors.append(
            _("Chuyến hàng trộn nhiều mặt hàng EUDR: %(names)s.") % {"names": ", ".join(sorted(commodities))}
        )
    else:
        result.commodity = commodities.pop()
        result.hs_code = hs_code or dict(COMMODITIES.values())[result.commodity]
    result.lots, result.event_pks = _traced([lot for lot, _q in lines], viewer)
    ids = [lot.pk for lot in result.lots]
    by_area: dict[int, list[Lot]] = defaultdict(list)
    lot_by_id = {lot.pk: lot for lot in result.lots}
    harvests = set(Lot.objects.filter(pk__in=ids, made_by__isnull=True).values_list("pk", flat=True))
    for lot_id, area_id in Lot.origin_areas.through.objects.filter(lot_id__in=ids).values_list(
        "lot_id", "growingarea_id"
    ):
        if lot_id in harvests:
            by_area[area_id].append(lot_by_id[lot_id])
    origin = [lot_by_id[i] for i in sorted(harvests) if i in lot_by_id]
    with_plots = {lot.pk for v in by_area.values() for lot in v}
    dated = [lot.production_date for lot in origin if lot.pk in with_plots]
    if dated:
        result.period = (min(dated), max(dated))
    areas = (
        GrowingArea.objects.filter(pk__in=list(by_area))
        .select_related("organization")
        .defer("search_text", "organization__search_text")
        .order_by("code")
    )
    try:
        layer = forest_layer()
    except (OSError, ValueError) as exc:  # a configured layer that cannot be read: no check is better than a guess
        result.errors.append(_("Không đọc được lớp bản đồ rừng đã cấu hình: %(e)s") % {"e": str(exc)[:200]})
        layer = None
    result.forest_layer = layer.name if layer else ""
    tolerance = settings.TRUYXUAT_EUDR_AREA_TOLERANCE
    for area in areas:
        check = PlotCheck(area=area, feature=feature(area), lots=by_area[area.pk])
        check.problems = geo.check_plot(area.boundary, area.declared_area_ha, tolerance)
        if layer is not None and check.feature is not None:
            check.overlap_ha = layer.overlap_ha(area.boundary)
        result.plots.append(check)
    if not result.plots and not result.errors:
        result.errors.append(_("Không tìm thấy vùng trồng nguồn gốc nào qua truy xuất."))
    return result
