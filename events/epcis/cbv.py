"""CBV 2.0 vocabularies: bizStep, disposition and friends, in one normal form.

EPCIS 2.0 JSON writes standard CBV values as bare names (``shipping``); EPCIS 1.x and the
XML binding use URNs (``urn:epcglobal:cbv:bizstep:shipping``); the GS1 web vocabulary
uses ``https://ref.gs1.org/cbv/BizStep-shipping`` (older: ``https://gs1.org/voc/Bizstep-``
or ``https://ns.gs1.org/cbv/``).  :func:`normalise` turns any of these into the bare name;
:func:`to_urn` and :func:`to_web_uri` go back.  Anything that is not a standard value
(a URI from another vocabulary) is returned unchanged.

The standard names come from the enums of GS1's EPCIS 2.0 JSON schema (shipped in
``schema/``), so they cannot drift from what validation accepts.

Farm-diary steps that CBV lacks use the truyxuat vocabulary extension
(:data:`TRUYXUAT_BIZSTEP_NS`, :data:`FARM_BIZSTEPS`).  CBV 2.0 itself says harvest, catch
and slaughter are ``commissioning``; we do not invent a harvesting step.
"""

from __future__ import annotations

from functools import cache
from typing import Final, Literal

from .schema import epcis_schema

__all__ = [
    "FARM_BIZSTEPS",
    "TRUYXUAT_BIZSTEP_NS",
    "Kind",
    "biz_steps",
    "biz_transaction_types",
    "dispositions",
    "error_reasons",
    "farm_step_uri",
    "is_standard",
    "normalise",
    "normalise_biz_step",
    "normalise_disposition",
    "source_dest_types",
    "to_urn",
    "to_web_uri",
]

Kind = Literal["bizstep", "disp", "btt", "sdt", "er"]

TRUYXUAT_BIZSTEP_NS: Final = "https://truyxuat.vn/voc/bizstep#"
"""Namespace of our bizStep extension for farm-diary steps CBV has no name for."""

FARM_BIZSTEPS: Final[tuple[str, ...]] = (
    "land_preparation",  # làm đất: ploughing, bed making, liming
    "seeding",  # gieo hạt: sowing seed (nursery or field)
    "planting",  # trồng / xuống giống: transplanting seedlings, planting cuttings
    "fertilising",  # bón phân: applying fertiliser or manure
    "spraying",  # phun thuốc: applying a plant-protection product (starts a pre-harvest interval)
    "irrigating",  # tưới: watering
    "weeding",  # làm cỏ
    "pruning",  # tỉa cành, tạo tán
    "feeding",  # cho ăn: livestock / aquaculture feed
    "vaccinating",  # tiêm phòng: livestock vaccination
    "treating",  # điều trị: veterinary treatment (starts a withdrawal period)
)
"""Farm-diary bizSteps of the truyxuat extension, written as ``TRUYXUAT_BIZSTEP_NS + name``.

Harvest (thu hoạch), catch and slaughter are CBV ``commissioning``, not an extension."""

_URN_PREFIX: Final[dict[str, str]] = {
    "bizstep": "urn:epcglobal:cbv:bizstep:",
    "disp": "urn:epcglobal:cbv:disp:",
    "btt": "urn:epcglobal:cbv:btt:",
    "sdt": "urn:epcglobal:cbv:sdt:",
    "er": "urn:epcglobal:cbv:er:",
}
_WEB_PREFIX: Final[dict[str, str]] = {
    "bizstep": "https://ref.gs1.org/cbv/BizStep-",
    "disp": "https://ref.gs1.org/cbv/Disp-",
    "btt": "https://ref.gs1.org/cbv/BTT-",
    "sdt": "https://ref.gs1.org/cbv/SDT-",
    "er": "https://ref.gs1.org/cbv/ER-",
}
_OLD_WEB_PREFIXES: Final[dict[str, tuple[str, ...]]] = {
    "bizstep": ("https://gs1.org/voc/Bizstep-", "https://gs1.org/voc/BizStep-"),
    "disp": ("https://gs1.org/voc/Disp-",),
    "btt": ("https://gs1.org/voc/BTT-",),
    "sdt": ("https://gs1.org/voc/SDT-",),
    "er": ("https://gs1.org/voc/ER-",),
}
_SCHEMA_DEFINITION: Final[dict[str, str]] = {
    "bizstep": "bizStep",
    "disp": "disposition",
    "btt": "bizTransaction-type",
    "sdt": "source-dest-type",
    "er": "error-reason",
}


@cache
def _names(kind: Kind) -> frozenset[str]:
    definition = epcis_schema()["definitions"][_SCHEMA_DEFINITION[kind]]
    for branch in definition["anyOf"]:
        if "enum" in branch:
            return frozenset(branch["enum"])
    raise LookupError(kind)  # pragma: no cover - the schema always has the enum


def biz_steps() -> frozenset[str]:
    """All CBV 2.0 bizStep names (``shipping``, ``receiving``, ``commissioning``, ...)."""
    return _names("bizstep")


def dispositions() -> frozenset[str]:
    """All CBV 2.0 disposition names (``in_progress``, ``active``, ``in_transit``, ...)."""
    return _names("disp")


def biz_transaction_types() -> frozenset[str]:
    """All CBV 2.0 business transaction types (``po``, ``inv``, ``desadv``, ...)."""
    return _names("btt")


def source_dest_types() -> frozenset[str]:
    """All CBV 2.0 source/destination types (``owning_party``, ``possessing_party``, ``location``)."""
    return _names("sdt")


def error_reasons() -> frozenset[str]:
    """All CBV 2.0 error reasons (``did_not_occur``, ``incorrect_data``)."""
    return _names("er")


def _candidates(value: str, kind: Kind) -> str | None:
    prefixes = (
        _URN_PREFIX[kind],
        _WEB_PREFIX[kind],
        "http://ref.gs1.org/cbv/" + _WEB_PREFIX[kind].rsplit("/", 1)[1],
        *_OLD_WEB_PREFIXES[kind],
    )
    for prefix in prefixes:
        if value.startswith(prefix):
            return value[len(prefix) :]
    if value.startswith(("https://ns.gs1.org/cbv/", "http://ns.gs1.org/cbv/")):
        return value.rsplit("/", 1)[1].split("-", 1)[-1]
    return None


def normalise(value: str, kind: Kind) -> str:
    """Return the normal form of a CBV value: the bare name for a standard value.

    ``normalise("urn:epcglobal:cbv:bizstep:shipping", "bizstep") == "shipping"``; so do the
    web-vocabulary forms.  A non-standard URI (our farm steps, another party's extension)
    is returned unchanged; so is a bare name CBV does not define (validation reports it).
    """
    value = value.strip()
    if value in _names(kind):
        return value
    name = _candidates(value, kind)
    if name is not None and name in _names(kind):
        return name
    return value


def normalise_biz_step(value: str) -> str:
    """:func:`normalise` for bizSteps; also accepts our farm steps' bare names."""
    if value in FARM_BIZSTEPS:
        return farm_step_uri(value)
    return normalise(value, "bizstep")


def normalise_disposition(value: str) -> str:
    """:func:`normalise` for dispositions."""
    return normalise(value, "disp")


def is_standard(value: str, kind: Kind) -> bool:
    """True when ``value`` (in any form) is a value of the standard CBV vocabulary."""
    return normalise(value, kind) in _names(kind)


def to_urn(value: str, kind: Kind) -> str:
    """The EPCIS 1.x / XML URN form of a standard value; other values unchanged."""
    name = normalise(value, kind)
    return _URN_PREFIX[kind] + name if name in _names(kind) else value


def to_web_uri(value: str, kind: Kind) -> str:
    """The GS1 web-vocabulary form (``https://ref.gs1.org/cbv/BizStep-shipping``)."""
    name = normalise(value, kind)
    return _WEB_PREFIX[kind] + name if name in _names(kind) else value


def farm_step_uri(name: str) -> str:
    """The full URI of one of our farm-diary steps (``planting`` -> ``https://truyxuat.vn/voc/bizstep#planting``)."""
    if name not in FARM_BIZSTEPS:
        raise ValueError(f"not a truyxuat farm-diary step: {name!r}")
    return TRUYXUAT_BIZSTEP_NS + name
