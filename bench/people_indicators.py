"""People indicators (issue 25) on a large seeded year. A plain script, not a test.

    .venv/bin/python bench/people_indicators.py                      # SQLite in a temporary data dir
    scripts/with-postgres.sh .venv/bin/python bench/people_indicators.py

Seeds 2,000 approved businesses over 20 communes, a roster of 600 commune officers, 300 classes in 2025 with
20,000 attendances (a fifth of them by officers), 5,000 self-study completions by 1,000 members, 30 pilot models
and 10 monitored enterprises (bulk inserts), then times what the pages and the report ask: every indicator's
progress for the province and for one commune (`reports.indicators.all_progress`), the per-commune table
(`training.selectors.by_ward`) and the duplicate list (`duplicate_pairs`).

Measured 2026-12-07 on SQLite, 2 shared cores (seeded in 8.8 s): every indicator for the province 282 ms (18
queries), for one commune 200 ms, the 20-commune table 429 ms (62 queries), duplicate pairs 159 ms.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

WARDS = [23425 + i for i in range(20)]


def seed() -> None:
    from accounts.models import Membership, User
    from catalog.models import Organization
    from training.models import (
        Attendance,
        Attendee,
        Course,
        LessonCompletion,
        MonitoredEnterprise,
        PilotModel,
    )  # fmt: skip

    rng = random.Random(25)
    orgs = Organization.objects.bulk_create(
        Organization(name=f"DN {i}", kind=["enterprise", "cooperative"][i % 2], tax_code=f"79{i:08d}",
                     province_code=51, ward_code=WARDS[i % 20], street_address="x", status="approved")
        for i in range(2000)
    )  # fmt: skip
    officers = Attendee.objects.bulk_create(
        Attendee(full_name=f"CB {i}", role="officer", ward_code=WARDS[i % 20], phone=f"09{i:08d}") for i in range(600)
    )
    staff = Attendee.objects.bulk_create(
        Attendee(full_name=f"NV {i}", role="staff", organization=orgs[i % 2000], phone=f"08{i % 7000:08d}")
        for i in range(8000)
    )
    courses = Course.objects.bulk_create(
        Course(topic=f"Lớp {i}", audience="mixed", held_on=dt.date(2025, 1, 1) + dt.timedelta(days=i % 360),
               place="UBND", ward_code=WARDS[i % 20], trainer="Sở") for i in range(300)
    )  # fmt: skip
    pairs = set()
    while len(pairs) < 20000:
        who = rng.choice(officers) if rng.random() < 0.2 else rng.choice(staff)
        pairs.add((rng.randrange(300), who.pk))
    Attendance.objects.bulk_create(
        (Attendance(course=courses[c], attendee_id=a, code=uuid.uuid4().hex[:24]) for c, a in pairs), batch_size=2000
    )
    users = User.objects.bulk_create(User(username=f"tv{i}") for i in range(1000))
    Membership.objects.bulk_create(Membership(user=u, organization=orgs[i * 2 % 2000]) for i, u in enumerate(users))
    LessonCompletion.objects.bulk_create(
        (LessonCompletion(client_id=uuid.uuid4(), user=users[i % 1000], organization=orgs[(i % 1000) * 2 % 2000],
                          lesson="nhat-ky", score=2, questions=2, completed_on=dt.date(2025, 1 + i % 12, 1))
         for i in range(5000)), batch_size=2000,
    )  # fmt: skip
    PilotModel.objects.bulk_create(
        PilotModel(name=f"MH {i}", crop="cà phê", ward_code=WARDS[i % 20], started_on=dt.date(2025, 1 + i % 12, 1),
                   status=["running", "recognised", "planned"][i % 3]) for i in range(30)
    )  # fmt: skip
    MonitoredEnterprise.objects.bulk_create(
        MonitoredEnterprise(organization=orgs[i], status="active", since=dt.date(2025, 3, 1)) for i in range(10)
    )


def timed(label: str, fn) -> object:  # type: ignore[no-untyped-def]
    from django.db import connection, reset_queries

    connection.force_debug_cursor = True
    reset_queries()
    start = time.perf_counter()
    result = fn()
    ms = (time.perf_counter() - start) * 1000
    print(f"{label:<44} {ms:8.1f} ms {len(connection.queries):4d} queries")
    connection.force_debug_cursor = False
    return result


def main() -> None:
    from bench_epcis import setup

    setup(tempfile.mkdtemp(prefix="truyxuat-people-"))
    from django.db import connection

    from reports.indicators import all_progress
    from training import selectors

    start = time.perf_counter()
    seed()
    print(f"{connection.vendor}: seeded in {time.perf_counter() - start:.1f} s")
    end = dt.date(2025, 12, 31)
    rows = timed("all indicators, province", lambda: all_progress(end))
    timed("all indicators, one commune", lambda: all_progress(end, WARDS[3]))
    timed("per-commune table (20 communes)", lambda: selectors.by_ward(end))
    timed("duplicate pairs", lambda: selectors.duplicate_pairs())
    for row in rows:  # type: ignore[attr-defined]
        print(f"  {row['code']:<26} {row['value']:>6} {row['unit']:<13} ({row['how']})")


if __name__ == "__main__":
    main()
