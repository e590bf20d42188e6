"""What a hectare can plausibly give in a year, per crop: the bound a harvest is checked against (pure, no Django).

A harvest far beyond its growing area × the crop's yield is a typo (`15000` for `1500`) or produce from somewhere
else laundered through a certified plot; either way the farmer is asked to confirm, and a confirmed excess is
flagged for the agency (`logistics.services.yields`). The bounds are generous upper limits of fresh produce per
hectare and year under intensive growing in Vietnam, not averages, so an honest bumper crop passes:

- coffee cherry: 3–4 t/ha of green robusta ≈ 15–20 t of cherry in the best Central Highlands gardens → 30 t;
- Ngọc Linh ginseng: fresh roots dug after 5–7 years under forest, a few t/ha at most → 10 t;
- macadamia nut in husk: 3–5 t/ha at full bearing → 8 t;  pepper: 3–5 t/ha → 8 t;
- passion fruit: 30–50 t/ha → 60 t;  rubber (fresh latex): ~2 t/ha of dry rubber ≈ 5 t of latex → 10 t;
- rice: 6–8 t/ha a season, three seasons at most → 36 t;  leafy and fruit vegetables: several crops → 150 t;
- anything else: 150 t/ha a year, beyond which no crop of this province goes.

Issue 24 (analysis) replaces this table with one per crop and region that the agency edits and that learns
from the province's own history.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from catalog.folding import fold


@dataclass(frozen=True)
class YieldBound:
    crop: str  # the crop's name as shown to people (Vietnamese)
    max_kg_per_ha_year: Decimal


# (words any of which, folded, names the crop, its display name, kg per hectare and year)
TABLE: tuple[tuple[tuple[str, ...], YieldBound], ...] = (
    (("ca phe", "coffee", "robusta", "arabica"), YieldBound("cà phê", Decimal(30_000))),
    (("sam", "ginseng"), YieldBound("sâm", Decimal(10_000))),
    (("mac ca", "macca", "macadamia"), YieldBound("mắc ca", Decimal(8_000))),
    (("ho tieu", "tieu", "pepper"), YieldBound("hồ tiêu", Decimal(8_000))),
    (("chanh day", "passion"), YieldBound("chanh dây", Decimal(60_000))),
    (("cao su", "rubber", "mu"), YieldBound("cao su", Decimal(10_000))),
    (("lua", "gao", "rice"), YieldBound("lúa", Decimal(36_000))),
    (("rau", "cai", "ca chua", "dua", "bi", "vegetable"), YieldBound("rau", Decimal(150_000))),
)
OTHER = YieldBound("", Decimal(150_000))

# to kilograms, for the units a harvest may be weighed in (UN/ECE Rec 20 codes, as catalog.QuantityUnit)
KG_PER_UNIT = {"KGM": Decimal(1), "TNE": Decimal(1000), "GRM": Decimal("0.001")}


def bound_for(crop: str) -> YieldBound:
    """The bound of the first crop whose words appear, whole, in `crop` (folded); `OTHER` when none does."""
    words = f" {fold(crop)} "
    for names, bound in TABLE:
        if any(f" {name} " in words for name in names):
            return bound
    return OTHER


def in_kg(quantity: Decimal, unit: str) -> Decimal | None:
    """The quantity in kilograms, or None for a unit that is not a weight (pieces, packages, litres)."""
    factor = KG_PER_UNIT.get(unit)
    return None if factor is None else quantity * factor
