"""Checking a diary entry's fields, the same for every source (the form, the API, the offline sync, imports and
events captured by partners, `diary.projection`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from catalog.choices import QuantityUnit
from catalog.models import GrowingArea, Organization
from core import numbers
from core.forms import read, read_plain
from core.numbers import parse_plain
from diary.activities import ACTIVITY_SPECS, DOSE, INGREDIENT, INPUT, PHI, QUANTITY, WITHDRAWAL
from diary.choices import Activity

MAX_WAIT_DAYS = 365
COORDINATE = numbers.Limits(max_digits=12, decimal_places=9, min_value=Decimal(-180), max_value=Decimal(180))
MAX_BACKDATE_DAYS = 400
CLOCK_SKEW = dt.timedelta(minutes=15)


def _err(name: str, message: str) -> ValidationError:
    return ValidationError({name: [message]})


def parse_when(value: Any) -> dt.datetime:
    """A datetime (aware) from a datetime, a date (07:00 local time; today's date never later than now) or ISO text."""
    if isinstance(value, str):
        value = value.strip()
        parsed: Any = parse_datetime(value) if "T" in value or " " in value else parse_date(value)
        value = parsed
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, dt.date):
        moment = timezone.make_aware(dt.datetime.combine(value, dt.time(7, 0)))
        # Today's date entered before 07:00 (a harvest at dawn): the work is done, so it was not later than now.
        return min(moment, timezone.now()) if value == timezone.localdate() else moment
    raise _err("occurred_at", _("Cần nhập ngày giờ thực hiện."))


def _quantity(value: Any, confirmed: Any) -> Decimal | None:
    """The quantity as the farmer typed it (the form, or the phone's multipart post): the Vietnamese way,
    `core.numbers`; "1.200" is stored only with `quantity_confirm` equal to the text (else: a question)."""
    if isinstance(value, Decimal):
        return read_plain("quantity", value, numbers.QUANTITY, required=False)
    try:
        return read(value, numbers.QUANTITY, confirmed=None if confirmed is None else str(confirmed))
    except ValidationError as exc:
        raise _err("quantity", exc.messages[0]) from None


def _decimal(name: str, value: Any, *, positive: bool = True) -> Decimal | None:
    """A coordinate sent by the phone's GPS: a plain decimal."""
    try:
        return parse_plain(value, COORDINATE)
    except numbers.NumberError:
        raise _err(name, _("Phải là một số.")) from None


def _days(name: str, value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        days = int(str(value))
    except ValueError:
        raise _err(name, _("Số ngày phải là số nguyên.")) from None
    if not 0 <= days <= MAX_WAIT_DAYS:
        raise _err(name, _("Số ngày phải từ 0 đến %(max)s.") % {"max": MAX_WAIT_DAYS})
    return days


def field_messages() -> dict[str, str]:
    """What a missing required field is told (the phone repeats these checks before queueing, in these words)."""
    return {
        INPUT: _("Cần ghi tên vật tư (thuốc, phân, thức ăn, vắc xin)."),
        PHI: _("Cần ghi thời gian cách ly trước thu hoạch (ngày), in trên nhãn thuốc."),
        WITHDRAWAL: _("Cần ghi thời gian ngưng thuốc (ngày) trước khi xuất bán."),
        QUANTITY: _("Cần ghi số lượng."),
        "days_integer": _("Số ngày phải là số nguyên."),
        "days_range": _("Số ngày phải từ 0 đến %(max)s.") % {"max": MAX_WAIT_DAYS},
    }


def clean_entry(organization: Organization, data: dict[str, Any]) -> dict[str, Any]:
    """Check one entry's fields (shared by the form, the API, the offline sync and imports)."""
    area = data.get("growing_area")
    if not isinstance(area, GrowingArea):
        area = (
            GrowingArea.objects.filter(organization=organization, pk=int(str(area))).first()
            if str(area).isdigit()
            else None
        )
        if area is None and data.get("growing_area_code"):
            area = GrowingArea.objects.filter(organization=organization, code=data["growing_area_code"]).first()
    if area is None or area.organization_id != organization.pk:
        raise _err("growing_area", _("Chọn một vùng trồng hoặc đàn của tổ chức."))
    activity = str(data.get("activity") or "")
    if activity not in Activity.values:
        raise _err("activity", _("Chọn công việc."))
    spec = ACTIVITY_SPECS[activity]
    when = parse_when(data.get("occurred_at") or timezone.now())
    now = timezone.now()
    if when > now + CLOCK_SKEW:
        raise _err("occurred_at", _("Ngày thực hiện không được ở tương lai."))
    if when < now - dt.timedelta(days=MAX_BACKDATE_DAYS):
        raise _err("occurred_at", _("Chỉ ghi được việc trong vòng %(days)s ngày qua.") % {"days": MAX_BACKDATE_DAYS})
    values: dict[str, Any] = {
        "growing_area": area,
        "activity": activity,
        "occurred_at": when,
        "note": str(data.get("note") or "").strip()[:4000],
        "product_name": "",
        "active_ingredient": "",
        "dose": "",
        "phi_days": None,
        "withdrawal_days": None,
        "quantity": None,
        "unit": "",
    }
    if INPUT in spec.fields:
        values["product_name"] = str(data.get("product_name") or "").strip()[:160]
    if INGREDIENT in spec.fields:
        values["active_ingredient"] = str(data.get("active_ingredient") or "").strip()[:160]
    if DOSE in spec.fields:
        values["dose"] = str(data.get("dose") or "").strip()[:60]
    if PHI in spec.fields:
        values["phi_days"] = _days("phi_days", data.get("phi_days"))
    if WITHDRAWAL in spec.fields:
        values["withdrawal_days"] = _days("withdrawal_days", data.get("withdrawal_days"))
    if QUANTITY in spec.fields:
        values["quantity"] = _quantity(data.get("quantity"), data.get("quantity_confirm"))
        unit = str(data.get("unit") or "") or (QuantityUnit.KG if values["quantity"] is not None else "")
        if unit and unit not in QuantityUnit.values:
            raise _err("unit", _("Đơn vị không hợp lệ."))
        values["unit"] = unit
    messages = field_messages()
    for name in spec.required:
        if values.get(name) in (None, ""):
            raise _err(name, messages.get(name, _("Thông tin bắt buộc.")))
    lat, lon = data.get("latitude"), data.get("longitude")
    if lat not in (None, "") and lon not in (None, ""):
        lat_d, lon_d = _decimal("latitude", lat, positive=False), _decimal("longitude", lon, positive=False)
        assert lat_d is not None and lon_d is not None
        if not (-90 <= lat_d <= 90 and -180 <= lon_d <= 180):
            raise _err("latitude", _("Toạ độ nằm ngoài phạm vi WGS84."))
        values["latitude"], values["longitude"] = round(lat_d, 6), round(lon_d, 6)
    return values
