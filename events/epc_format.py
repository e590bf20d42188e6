"""The `GS1-EPC-Format` request header of the EPCIS 2.0 REST binding, applied to the events a query returns.

* `Always_GS1_Digital_Link`: every EPC (epcList, childEPCs, parentID, input/outputEPCList, the epcClass of each
  quantity list, readPoint, bizLocation, sources and destinations) written as an EPC URN comes back as its GS1
  Digital Link on id.gs1.org; Digital Links stay as written;
* `Always_EPC_URN`: every GS1 key written as a Digital Link (on any host, compressed too) comes back as its EPC URN
  (class URNs for quantity lists: `urn:epc:class:lgtin:…`, `urn:epc:idpat:sgtin:…*`); the company prefix length
  comes from GS1's table, else the provincial prefix's (as capture's `EpcKey.epc`); URNs stay as written;
* `Never_Translates`, `No_Preference`, or no header: the event as captured.

The binding names `Always_GS1_Digital_Link` as the default; here an absent header keeps the event as captured (what
`No_Preference` allows), so that an event comes back as sent and its event hash recomputes from the answer.
"""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings

from gs1.identifiers import GS1Key, InvalidIdentifier, canonical_key, epc_class_urn, epc_urn, parse_key

HEADER = "GS1-EPC-Format"
DIGITAL_LINK = "Always_GS1_Digital_Link"
EPC_URN = "Always_EPC_URN"
AS_CAPTURED = ("Never_Translates", "No_Preference")
FORMATS = (DIGITAL_LINK, EPC_URN, *AS_CAPTURED)

_LISTS = ("epcList", "childEPCs", "inputEPCList", "outputEPCList")
_QUANTITIES = ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")
_PLACES = ("readPoint", "bizLocation")
_PARTIES = (("sourceList", "source"), ("destinationList", "destination"))


class UnknownFormat(ValueError):
    """A `GS1-EPC-Format` value the binding does not define."""


def requested(value: str | None) -> str:
    """The format a request asks for (`Never_Translates` when it names none); raises `UnknownFormat`."""
    text = (value or "").strip()
    if not text:
        return "Never_Translates"
    if text not in FORMATS:
        raise UnknownFormat(text)
    return text


def _key(value: str) -> GS1Key | None:
    try:
        parsed = parse_key(canonical_key(value))
    except InvalidIdentifier:
        return None
    return None if parsed.kind == "other" else parsed


def _urn(parsed: GS1Key, cls: bool) -> str | None:
    for cpl in (None, len(settings.TRUYXUAT_PROVINCIAL_GS1_PREFIX)):
        try:
            return epc_class_urn(parsed, cpl) if cls else epc_urn(parsed, cpl)
        except ValueError:
            continue
    return None


def translated(value: Any, fmt: str, *, cls: bool = False) -> Any:
    """One identifier in format `fmt` (anything that is not a GS1 key as it is)."""
    if not isinstance(value, str):
        return value
    is_urn = value[:8].lower() == "urn:epc:"
    if fmt == DIGITAL_LINK and is_urn:
        parsed = _key(value)
        return parsed.key if parsed is not None else value
    if fmt == EPC_URN and not is_urn:
        parsed = _key(value)
        if parsed is None or (cls and parsed.kind not in ("lgtin", "gtin")):
            return value
        return _urn(parsed, cls) or value
    return value


def apply(event: dict[str, Any], fmt: str) -> dict[str, Any]:
    """The event with its EPCs in format `fmt` (a copy when anything changes; the event itself otherwise)."""
    if fmt in AS_CAPTURED:
        return event
    out = copy.deepcopy(event)
    for name in _LISTS:
        if isinstance(out.get(name), list):
            out[name] = [translated(v, fmt) for v in out[name]]
    if "parentID" in out:
        out["parentID"] = translated(out["parentID"], fmt)
    for name in _QUANTITIES:
        for item in out.get(name) or []:
            if isinstance(item, dict) and "epcClass" in item:
                item["epcClass"] = translated(item["epcClass"], fmt, cls=True)
    for name in _PLACES:
        if isinstance(out.get(name), dict) and "id" in out[name]:
            out[name]["id"] = translated(out[name]["id"], fmt)
    for name, member in _PARTIES:
        for item in out.get(name) or []:
            if isinstance(item, dict) and member in item:
                item[member] = translated(item[member], fmt)
    return out
