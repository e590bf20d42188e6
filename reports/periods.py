"""Reporting periods: quarter, half-year and year, with their Vietnamese names."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from reports.choices import PeriodKind

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    number: int
    start: dt.date
    end: dt.date  # inclusive

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.QUARTER:
            return _("Quý %(n)s năm %(year)s") % {"n": ROMAN[self.number], "year": self.year}
        if self.kind == PeriodKind.HALF:
            return (_("6 tháng đầu năm %(year)s") if self.number == 1 else _("6 tháng cuối năm %(year)s")) % {
                "year": self.year
            }
        return _("Năm %(year)s") % {"year": self.year}


def period(kind: str, year: int, number: int = 1) -> Period:
    if kind not in PeriodKind.values:
        raise ValidationError({"period_kind": [_("Kỳ báo cáo không hợp lệ.")]})
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": [_("Năm không hợp lệ.")]})
    year = int(year)
    limits = {PeriodKind.QUARTER: 4, PeriodKind.HALF: 2, PeriodKind.YEAR: 1}
    if not 1 <= int(number) <= limits[PeriodKind(kind)]:
        raise ValidationError({"number": [_("Số kỳ không hợp lệ.")]})
    number = int(number)
    months = {PeriodKind.QUARTER: 3, PeriodKind.HALF: 6, PeriodKind.YEAR: 12}[PeriodKind(kind)]
    first_month = (number - 1) * months + 1
    start = dt.date(year, first_month, 1)
    last_month = first_month + months - 1
    end = (dt.date(year + 1, 1, 1) if last_month == 12 else dt.date(year, last_month + 1, 1)) - dt.timedelta(days=1)
    return Period(kind=kind, year=year, number=number, start=start, end=end)


def current_quarter(today: dt.date) -> Period:
    return period(PeriodKind.QUARTER, today.year, (today.month - 1) // 3 + 1)
