"""Template helpers of the public pages: dates printed the Vietnamese way, in the portal's time zone."""

from __future__ import annotations

import datetime as dt

from django.template import engines


def _render(source: str, **context: object) -> str:
    return engines["django"].from_string("{% load portal %}" + source).render(context)


def test_dates_print_day_month_year():
    assert _render("{{ d|dmy }}", d=dt.date(2026, 3, 7)) == "07/03/2026"
    assert _render("{{ d|dmy_hm }}", d=dt.date(2026, 3, 7)) == "07/03/2026"
    assert _render("{{ d|dmy }}|{{ d|dmy_hm }}", d=None) == "|"
    assert _render("{{ d|dmy|default:'—' }}", d="") == "—"


def test_times_print_in_the_portal_time_zone():
    # 23:30 UTC is already the next morning in Vietnam (UTC+7), as Django's own date filter would print it.
    moment = dt.datetime(2026, 3, 7, 23, 30, tzinfo=dt.UTC)
    assert _render("{{ t|dmy_hm }}", t=moment) == "08/03/2026 06:30"
    assert _render("{{ t|dmy }}", t=moment) == "08/03/2026"
    assert _render("{{ t|dmy_hm }}", t=moment) == _render('{{ t|date:"d/m/Y H:i" }}', t=moment)
