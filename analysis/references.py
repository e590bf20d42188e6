"""The reference tables as they stand: the agency's latest version per crop (province first, then every province),
else `catalog.yields`' generous upper bound; conversion factors likewise over `DEFAULT_FACTORS`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from analysis.models import ConversionFactor, ReferenceYield
from catalog.folding import fold
from catalog.yields import bound_for


@dataclass(frozen=True)
class YieldRange:
    label: str
    min_kg: Decimal  # per hectare and year
    max_kg: Decimal
    version: str  # "catalog" for the built-in bound, else "v<n>" of the agency's row
    source: str = "catalog"  # analysis.choices.YieldSource: entered by an officer, learned and accepted, built in


@dataclass(frozen=True)
class Factor:
    label: str
    input_key: str
    output_key: str
    min_ratio: Decimal
    max_ratio: Decimal
    version: str


# Mass of output per mass of input, by words of the products' names (folded). Processing yields in Vietnam:
# green coffee is 18–22 % of fresh cherry (≈ 5:1), roasting keeps 80–85 % of green beans, dried ginseng ~25–35 %
# of fresh roots, milled rice ~60–70 % of paddy, dried macadamia in shell ~35–45 % of nut in husk.
DEFAULT_FACTORS: tuple[Factor, ...] = (
    Factor("Cà phê tươi → nhân xanh", "ca phe tuoi", "nhan", Decimal("0.18"), Decimal("0.22"), "catalog"),
    Factor("Cà phê nhân → rang", "nhan", "rang", Decimal("0.80"), Decimal("0.85"), "catalog"),
    Factor("Sâm tươi → khô", "sam tuoi", "sam kho", Decimal("0.25"), Decimal("0.35"), "catalog"),
    Factor("Thóc → gạo", "thoc", "gao", Decimal("0.60"), Decimal("0.70"), "catalog"),
    Factor("Mắc ca → hạt khô", "mac ca tuoi", "mac ca", Decimal("0.35"), Decimal("0.45"), "catalog"),
)
# any other process: what comes out weighs at most what went in (mixing, splitting, packing), 2 % for moisture
ANY = Factor("Chế biến khác", "", "", Decimal(0), Decimal("1.02"), "catalog")


class References:
    """The tables read once per run (a few rows)."""

    def __init__(self) -> None:
        self.yields: dict[tuple[str, int | None], YieldRange] = {}
        for row in ReferenceYield.objects.order_by("crop_key", "province_code", "-version"):
            key = (row.crop_key, row.province_code)
            if key not in self.yields:
                rng = YieldRange(
                    row.crop_label, row.min_kg_per_ha_year, row.max_kg_per_ha_year, f"v{row.version}", row.source
                )
                self.yields[key] = rng
        factors: dict[tuple[str, str], Factor] = {(f.input_key, f.output_key): f for f in DEFAULT_FACTORS}
        for fac in ConversionFactor.objects.order_by("input_key", "output_key", "-version"):
            pair = (fac.input_key, fac.output_key)
            if pair not in factors or factors[pair].version == "catalog":
                factors[pair] = Factor(
                    fac.label, fac.input_key, fac.output_key, fac.min_ratio, fac.max_ratio, f"v{fac.version}"
                )
        # longest words first, so "ca phe tuoi" wins over a shorter key
        self.factors = sorted(factors.values(), key=lambda f: -(len(f.input_key) + len(f.output_key)))

    def yield_for(self, crop: str, province_code: int | None) -> YieldRange:
        words = f" {fold(crop)} "
        for prov in (province_code, None):
            found = [(k, r) for (k, p), r in self.yields.items() if p == prov and f" {k} " in words]
            if found:
                return max(found, key=lambda kr: len(kr[0]))[1]
        bound = bound_for(crop)
        return YieldRange(bound.crop or crop, Decimal(0), bound.max_kg_per_ha_year, "catalog")

    def factor_for(self, input_name: str, output_name: str) -> Factor:
        src, dst = f" {fold(input_name)} ", f" {fold(output_name)} "
        for f in self.factors:
            if f" {f.input_key} " in src and f" {f.output_key} " in dst:
                return f
        return ANY
