"""Activity templates of the farm diary: what each activity asks for, its icon and its EPCIS bizStep.

Pure data (no Django models): the pages, the offline app, imports and the API all read these.
Templates per crop or livestock group pick the activities shown first and suggest common inputs,
so a farmer records an entry in a few taps. The crop of a growing area (free text such as
"Cà phê vối") is matched to a group by keywords.

EPCIS: every entry becomes one ObjectEvent. Harvest is CBV ``commissioning`` (CBV 2.0 says harvest,
catch and slaughter are commissioning). Farm steps CBV lacks use the truyxuat extension
``https://truyxuat.vn/voc/bizstep#<name>`` (``events.epcis.cbv.FARM_BIZSTEPS``). The entry's own
details travel as extension fields in the ``https://truyxuat.vn/voc/diary#`` namespace (prefix
``txd``): ``txd:activity``, ``txd:inputName``, ``txd:activeIngredient``, ``txd:dose``, ``txd:doseUnit``,
``txd:preHarvestIntervalDays``, ``txd:withdrawalDays``, ``txd:growingArea``, ``txd:note``; see docs in
``diary/README.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

DIARY_NS = "https://truyxuat.vn/voc/diary#"
DIARY_PREFIX = "txd"

# Field names an activity may ask for (beyond date, area, note, photo, voice, GPS which every entry has).
INPUT = "product_name"
INGREDIENT = "active_ingredient"
DOSE = "dose"
PHI = "phi_days"
WITHDRAWAL = "withdrawal_days"
QUANTITY = "quantity"


@dataclass(frozen=True)
class ActivitySpec:
    code: str
    icon: str
    biz_step: str  # a CBV name or a farm step of our extension
    fields: tuple[str, ...] = ()
    required: tuple[str, ...] = ()


ACTIVITY_SPECS: dict[str, ActivitySpec] = {
    s.code: s
    for s in (
        ActivitySpec("land_preparation", "🚜", "land_preparation"),
        ActivitySpec("seeding", "🌱", "seeding", (INPUT, QUANTITY)),
        ActivitySpec("planting", "🌿", "planting", (INPUT, QUANTITY)),
        ActivitySpec("fertilising", "🧪", "fertilising", (INPUT, DOSE), (INPUT,)),
        ActivitySpec("spraying", "💦", "spraying", (INPUT, INGREDIENT, DOSE, PHI), (INPUT, PHI)),
        ActivitySpec("irrigating", "🚿", "irrigating"),
        ActivitySpec("weeding", "🌾", "weeding"),
        ActivitySpec("pruning", "✂️", "pruning"),
        ActivitySpec("feeding", "🥣", "feeding", (INPUT, QUANTITY), (INPUT,)),
        ActivitySpec("vaccinating", "💉", "vaccinating", (INPUT, DOSE, WITHDRAWAL), (INPUT, WITHDRAWAL)),
        ActivitySpec("treating", "🩺", "treating", (INPUT, INGREDIENT, DOSE, WITHDRAWAL), (INPUT, WITHDRAWAL)),
        ActivitySpec("harvesting", "🧺", "commissioning", (QUANTITY,), (QUANTITY,)),
    )
}


@dataclass(frozen=True)
class CropTemplate:
    """Activities in the order a farmer of this group meets them, and common inputs to suggest."""

    code: str
    keywords: tuple[str, ...]
    activities: tuple[str, ...]
    suggestions: dict[str, tuple[str, ...]]
    harvest_unit: str = "KGM"


_PLANT = ("land_preparation", "planting", "fertilising", "spraying", "irrigating", "weeding", "pruning", "harvesting")
_LIVESTOCK = ("feeding", "vaccinating", "treating", "harvesting")

CROP_TEMPLATES: tuple[CropTemplate, ...] = (
    CropTemplate(
        "coffee",
        ("cà phê", "ca phe", "coffee"),
        ("fertilising", "spraying", "irrigating", "pruning", "weeding", "harvesting", "planting", "land_preparation"),
        {
            "fertilising": ("NPK 16-16-8", "Phân chuồng hoai", "Phân hữu cơ vi sinh", "Vôi bột"),
            "spraying": ("Anvil 5SC (Hexaconazole)", "Regent 800WG (Fipronil)", "Chế phẩm nấm xanh Metarhizium"),
        },
    ),
    CropTemplate(
        "rice",
        ("lúa", "gạo", "rice"),
        ("land_preparation", "seeding", "fertilising", "spraying", "irrigating", "weeding", "harvesting"),
        {
            "seeding": ("Giống lúa ST25", "Giống lúa OM5451"),
            "fertilising": ("Urê", "DAP", "Kali clorua"),
            "spraying": ("Beam 75WP (Tricyclazole)", "Chess 50WG (Pymetrozine)"),
        },
    ),
    CropTemplate(
        "ginseng",
        ("sâm", "dược liệu", "ginseng"),
        ("planting", "fertilising", "weeding", "spraying", "irrigating", "harvesting"),
        {"fertilising": ("Phân hữu cơ hoai mục", "Mùn lá rừng"), "spraying": ("Chế phẩm sinh học Trichoderma",)},
    ),
    CropTemplate(
        "macadamia",
        ("mắc ca", "macca", "macadamia"),
        ("fertilising", "pruning", "spraying", "irrigating", "weeding", "harvesting", "planting"),
        {"fertilising": ("NPK 16-16-8", "Phân chuồng hoai")},
    ),
    CropTemplate(
        "vegetables",
        ("rau", "cải", "cà chua", "vegetable"),
        ("land_preparation", "seeding", "planting", "fertilising", "spraying", "irrigating", "weeding", "harvesting"),
        {"spraying": ("Chế phẩm Bt (Bacillus thuringiensis)", "Dầu khoáng SK Enspray 99EC")},
    ),
    CropTemplate(
        "fruit",
        ("chanh dây", "sầu riêng", "bơ", "cây ăn quả", "fruit"),
        ("fertilising", "spraying", "pruning", "irrigating", "weeding", "harvesting", "planting"),
        {"spraying": ("Ridomil Gold 68WG (Metalaxyl-M)", "Dầu khoáng SK Enspray 99EC")},
    ),
    CropTemplate(
        "pig",
        ("lợn", "heo", "pig"),
        _LIVESTOCK,
        {
            "feeding": ("Cám hỗn hợp lợn thịt", "Ngô, cám gạo tự phối"),
            "vaccinating": ("Vắc xin dịch tả lợn", "Vắc xin lở mồm long móng"),
        },
        "HEA",
    ),
    CropTemplate(
        "poultry",
        ("gà", "vịt", "chicken", "poultry"),
        _LIVESTOCK,
        {"feeding": ("Cám gà thịt",), "vaccinating": ("Vắc xin Newcastle", "Vắc xin Gumboro")},
        "HEA",
    ),
    CropTemplate(
        "cattle",
        ("bò", "trâu", "dê", "cattle"),
        _LIVESTOCK,
        {"feeding": ("Cỏ voi", "Thức ăn tinh"), "vaccinating": ("Vắc xin lở mồm long móng", "Vắc xin tụ huyết trùng")},
        "HEA",
    ),
)
GENERIC = CropTemplate("generic", (), _PLANT, {})


def template_for(crop: str) -> CropTemplate:
    """The template whose keywords occur in `crop` (case-insensitive), or the generic plant template."""
    text = crop.lower()
    for template in CROP_TEMPLATES:
        if any(k in text for k in template.keywords):
            return template
    return GENERIC
