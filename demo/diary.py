"""Demo farm diary: two weeks of entries on the coffee cooperative's areas, recorded through the service.

Idempotent: each entry's client id is derived from its content, so running the demo again adds nothing.
The last spraying (7 days ago, pre-harvest interval 21 days) on VT-51-DHA-0102 means a harvest there today
is blocked by the rules — the demo shows the rule at work; VT-51-DHA-0101 has no running interval.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from accounts.models import User
from catalog.models import GrowingArea
from diary.services import record_entry

# (area code, days ago, activity, extra fields)
ENTRIES: list[tuple[str, int, str, dict[str, Any]]] = [
    ("VT-51-DHA-0101", 14, "fertilising", {"product_name": "Phân hữu cơ vi sinh", "dose": "2 kg/gốc"}),
    ("VT-51-DHA-0101", 12, "irrigating", {"note": "Tưới gốc, 400 lít/gốc"}),
    ("VT-51-DHA-0101", 9, "pruning", {"note": "Tỉa cành vượt sau thu hoạch"}),
    ("VT-51-DHA-0101", 5, "weeding", {}),
    ("VT-51-DHA-0101", 2, "irrigating", {"note": "Tưới gốc"}),
    ("VT-51-DHA-0102", 13, "fertilising", {"product_name": "NPK 16-16-8", "dose": "300 g/gốc"}),
    (
        "VT-51-DHA-0102",
        7,
        "spraying",
        {"product_name": "Anvil 5SC", "active_ingredient": "Hexaconazole", "dose": "20 ml/bình 16 lít", "phi_days": 21},
    ),
    ("VT-51-DHA-0102", 3, "irrigating", {}),
]


def build_demo_diary(log: Callable[[str], None] = print) -> int:
    """Record the demo entries that are missing; returns how many were new."""
    user = User.objects.filter(username="htx.caphe").first()
    if user is None:
        return 0
    created = 0
    for code, ago, activity, extra in ENTRIES:
        area = GrowingArea.objects.filter(code=code).select_related("organization").first()
        if area is None:
            continue
        day = timezone.localdate() - dt.timedelta(days=ago)
        when = timezone.make_aware(dt.datetime.combine(day, dt.time(7, 30)))
        client_id = uuid.uuid5(uuid.NAMESPACE_URL, f"truyxuat-demo-diary:{code}:{ago}:{activity}")
        data = {"client_id": client_id, "growing_area": area, "activity": activity, "occurred_at": when, **extra}
        _entry, new = record_entry(actor=user, organization=area.organization, data=data)
        if new:
            created += 1
            log(f"  + nhật ký {code} {activity} {day:%d/%m}")
    return created
