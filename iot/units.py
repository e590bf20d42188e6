"""Quantities a sensor measures: their codes, EPCIS 2.0 measurement types, UN/ECE units and physical ranges.

Pure (no Django). EPCIS 2.0 §7.3.7 names a sensorReport's `type` from GS1's web vocabulary (`Temperature`, …
as the JSON schema lists them) and its `uom` by UN/ECE Recommendation 20 common codes (CEL = degree Celsius,
P1 = percent, LUX = lux); readings are stored in these units, converted on arrival when a device sends another
known one (FAH, KEL).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Quantity:
    code: int  # stored in the readings table (a small integer, not the name)
    name: str
    measurement_type: str  # EPCIS sensorReport type
    uom: str  # UN/ECE Rec. 20 code the values are stored in
    low: float  # physical range: a value outside it is refused as a faulty sensor or a bad payload
    high: float


QUANTITIES: dict[str, Quantity] = {
    q.name: q
    for q in (
        Quantity(1, "temperature", "Temperature", "CEL", -80.0, 150.0),
        Quantity(2, "relative_humidity", "RelativeHumidity", "P1", 0.0, 100.0),
        Quantity(3, "illuminance", "Illuminance", "LUX", 0.0, 200_000.0),
        Quantity(4, "soil_moisture", "VolumeFraction", "P1", 0.0, 100.0),
    )
}
BY_CODE: dict[int, Quantity] = {q.code: q for q in QUANTITIES.values()}

# What devices and network-server decoders call them (The Things Stack and ChirpStack codecs, Dragino, Milesight…)
ALIASES: dict[str, str] = {
    "temperature": "temperature",
    "temp": "temperature",
    "t": "temperature",
    "tempc_sht": "temperature",
    "tempc_ds": "temperature",
    "temperature_c": "temperature",
    "humidity": "relative_humidity",
    "relative_humidity": "relative_humidity",
    "rh": "relative_humidity",
    "hum_sht": "relative_humidity",
    "illuminance": "illuminance",
    "light": "illuminance",
    "lux": "illuminance",
    "ill_lux": "illuminance",
    "soil_moisture": "soil_moisture",
    "water_soil": "soil_moisture",
}
BATTERY_KEYS = ("battery", "battery_level", "batterylevel", "bat", "batt")

# units a device may send, converted to the stored one: (quantity, uom) → function
CONVERSIONS = {
    ("temperature", "FAH"): lambda v: (v - 32.0) * 5.0 / 9.0,
    ("temperature", "KEL"): lambda v: v - 273.15,
}


class QuantityError(ValueError):
    """A quantity, unit or value the platform cannot store."""


BY_ALIAS: dict[str, Quantity] = {alias: QUANTITIES[name] for alias, name in ALIASES.items()}


def quantity(name: str) -> Quantity:
    found = BY_ALIAS.get(name) or BY_ALIAS.get(name.strip().lower())
    if found is None:
        raise QuantityError(f"unknown quantity {name!r}; known: {', '.join(QUANTITIES)}")
    return found


def normalise(q: Quantity, value: float, uom: str | None) -> float:
    """`value` in the quantity's stored unit, checked against its physical range."""
    if uom is not None and uom and uom != q.uom:
        convert = CONVERSIONS.get((q.name, uom))
        if convert is None:
            raise QuantityError(f"{q.name}: unit {uom!r} not accepted (use {q.uom})")
        value = convert(value)
    if not (q.low <= value <= q.high):
        raise QuantityError(f"{q.name}: {value:g} {q.uom} is outside the physical range {q.low:g}…{q.high:g}")
    return value
