"""GET /epcis/events pages against a straightforward reference: every event of a small province filtered and
ordered in Python, for many combinations of parameters and viewers (EQ_readPoint is asked branch by branch,
`events.query.read_point_branches`; its pages must be exactly those of the plain filter, tokens included)."""

from __future__ import annotations

import itertools
import random
from typing import Any
from unittest import mock

import pytest
from django.core import signing
from django.db.models import F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.permissions import SYSTEM
from accounts.tests.factories import UserFactory
from catalog.choices import OrganizationStatus
from catalog.selectors import PUBLIC_LOT_STATUSES
from catalog.tests.factories import LotFactory, OrganizationFactory, ProductFactory
from events import query
from events.epcis import parse_time
from events.models import Event, EventEpc
from events.selectors import query as run_query
from events.services import capture_events
from events.tests.helpers import aggregation, lgtin, object_event, transformation

pytestmark = pytest.mark.django_db

FARM = "https://id.gs1.org/414/8938501000007"
PLANT = "https://id.gs1.org/414/8938502000006"
SHOP = "https://id.gs1.org/414/8938504000004"
DOOR = "urn:epc:id:sgln:8938501.00000.7"
UNKNOWN = "https://id.gs1.org/414/8938509000001"
PLACES = [FARM, PLANT, SHOP, DOOR]
READ_POINTS = [FARM, FARM, PLANT, SHOP, DOOR, None]  # FARM twice: most events are read where they happen
TIMES = [f"2026-11-{day:02d}T{hour:02d}:00:00+07:00" for day in (1, 2, 3) for hour in (8, 9)]
RECORD_TIMES = ["2026-11-20T01:00:00Z", "2026-11-20T02:00:00Z", "2026-11-20T03:00:00Z"]
VIEWERS = ["admin", "anonymous", "consumer", "producer", "other_producer", "officer"]


def _located(event: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """`event` with a readPoint and bizLocation drawn so that most are equal, some differ, some are absent."""
    read_point = rng.choice(READ_POINTS)
    biz_location = read_point if read_point and rng.random() < 0.6 else rng.choice([*PLACES, None])
    for name, value in (("readPoint", read_point), ("bizLocation", biz_location)):
        event.pop(name, None)
        if value:
            event[name] = {"id": value}
    event["eventTime"] = rng.choice(TIMES)  # ties: the pk breaks them
    event["eventTimeZoneOffset"] = "+07:00"
    event["recordTime"] = rng.choice(RECORD_TIMES)
    return event


@pytest.fixture
def province(organization, other_organization, actors) -> dict[str, Any]:
    """42 events of three organisations (one in another province) about a published and a draft lot."""
    other_organization.province_code = 79  # outside the officer's province
    other_organization.save()
    third = OrganizationFactory()
    published = LotFactory(product=ProductFactory(organization=organization), lot_code="P1", status="published")
    draft = LotFactory(product=ProductFactory(organization=third), lot_code="D1", status="draft")
    lots = [lgtin(published.product.gtin, "P1"), lgtin(draft.product.gtin, "D1")]
    rng = random.Random(7)
    for n in range(6):
        events = []
        for i in range(7):
            kind = rng.random()
            lot = [rng.choice(lots)]
            if kind < 0.15:
                event = transformation(lot, [lgtin(draft.product.gtin, f"T{n}{i}")])
            elif kind < 0.3:
                event = aggregation(f"https://id.gs1.org/00/18938501000000{n}{i}{n}", lot)
            else:
                event = object_event(lot, epcs=[f"https://id.gs1.org/01/{published.product.gtin}/21/S{n}{i}"])
            events.append(_located(event, rng))
        owner = (organization, other_organization, third)[n % 3]
        capture_events(actor=SYSTEM, organization=owner, events=events)
    assert Event.objects.count() == 42
    assert Event.objects.exclude(read_point="").exclude(biz_location="").exclude(read_point=F("biz_location")).exists()
    viewers = {**actors, "admin": UserFactory(username="root", is_superuser=True)}
    return {"viewers": viewers, "organizations": (organization, other_organization, third)}


def _reference_visible(viewer: Any) -> set[int]:
    """The events `viewer` sees, written out plainly (not through `events.visibility`)."""
    everything = set(Event.objects.values_list("pk", flat=True))
    if viewer.is_authenticated and viewer.is_superuser:
        return everything
    public = set(
        EventEpc.objects.filter(
            key__lot__status__in=PUBLIC_LOT_STATUSES,
            key__lot__product__organization__status=OrganizationStatus.APPROVED,
        ).values_list("event_id", flat=True)
    )
    if not viewer.is_authenticated:
        return public
    own = set(viewer.memberships.values_list("organization_id", flat=True))
    province = viewer.agency.province_code if viewer.agency_id else None
    seen = set(Event.objects.filter(organization_id__in=own).values_list("pk", flat=True))
    if province is not None:
        seen |= set(Event.objects.filter(organization__province_code=province).values_list("pk", flat=True))
    return public | seen


def _reference(params: dict[str, str], viewer: Any) -> list[Event]:
    """Every event the query should return, in its order, filtered and sorted in Python."""
    visible = _reference_visible(viewer)
    rows = [e for e in Event.objects.all() if e.pk in visible]

    def values(name: str) -> list[str] | None:
        return [v for v in params[name].split("|") if v] if name in params else None

    for name, field in (("EQ_readPoint", "read_point"), ("EQ_bizLocation", "biz_location"), ("eventType", "type")):
        wanted = values(name)
        if wanted is not None:
            rows = [e for e in rows if getattr(e, field) in wanted]
    for name, field, keep in (
        ("GE_eventTime", "event_time", lambda a, b: a >= b),
        ("LT_eventTime", "event_time", lambda a, b: a < b),
        ("GE_recordTime", "record_time", lambda a, b: a >= b),
        ("LT_recordTime", "record_time", lambda a, b: a < b),
    ):
        if name in params:
            bound = parse_time(params[name])
            rows = [e for e in rows if keep(getattr(e, field), bound)]
    column = {"eventTime": "event_time", "recordTime": "record_time"}.get(params.get("orderBy", ""))
    desc = (params.get("orderDirection") or ("DESC" if column else "ASC")) == "DESC"
    return sorted(rows, key=lambda e: (getattr(e, column), e.pk) if column else e.pk, reverse=desc)


def _expected_token(params: dict[str, str], last: Event) -> dict[str, Any]:
    """What the next page's token must hold. Tokens are compared by what they hold, not as strings: a token
    is signed with the second it was made (django.core.signing), so two made a second apart differ."""
    column = {"eventTime": "event_time", "recordTime": "record_time"}.get(params.get("orderBy", ""))
    position = getattr(last, column).isoformat() if column else None
    return {"p": last.pk, "v": position, "s": query._signature(params)}


def _held(token: str | None) -> Any:
    return None if token is None else signing.loads(token, salt=query.TOKEN_SALT)


def _check_pages(params: dict[str, str], viewer: Any) -> None:
    """Walk every page of `params`: the same events, pages, and tokens as the reference list."""
    expected = _reference(params, viewer)
    per_page = int(params["perPage"])
    asked = dict(params)
    for start in range(0, max(len(expected), 1), per_page):
        result = run_query(asked, viewer)
        chunk = expected[start : start + per_page]
        assert [e.pk for e in result.events] == [e.pk for e in chunk], (params, start)
        assert all(e.capture.pk == e.capture_id for e in result.events)  # fetched with its capture
        if start + per_page < len(expected):
            assert result.next_token is not None
            assert _held(result.next_token) == _expected_token(params, chunk[-1])
            asked["nextPageToken"] = result.next_token
        else:
            assert result.next_token is None


place = st.sampled_from([*PLACES, UNKNOWN])
moment = st.sampled_from([*TIMES, "2026-11-02T08:30:00+07:00"])
record = st.sampled_from([*RECORD_TIMES, "2026-11-20T02:30:00Z"])
parameters = st.fixed_dictionaries(
    {"perPage": st.integers(1, 9).map(str), "EQ_readPoint": st.lists(place, max_size=3).map("|".join)},
    optional={
        "EQ_bizLocation": st.lists(place, min_size=1, max_size=2).map("|".join),
        "eventType": st.lists(st.sampled_from(query.EVENT_TYPES[:4]), min_size=1, max_size=2).map("|".join),
        "GE_eventTime": moment,
        "LT_eventTime": moment,
        "GE_recordTime": record,
        "LT_recordTime": record,
        "orderBy": st.sampled_from(["eventTime", "recordTime"]),
        "orderDirection": st.sampled_from(["ASC", "DESC"]),
    },
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=parameters, viewer=st.sampled_from(VIEWERS), split=st.sampled_from([16, 1]), branches=st.booleans())
def test_pages_match_the_reference(province, params, viewer, split, branches):
    """Both plans on either database: branch by branch (SQLite's) or one OR (PostgreSQL's; `by_branches`);
    `split` 1 asks several EQ_readPoint values in one pair of branches (as past SPLIT_READ_POINTS)."""
    with (
        mock.patch.object(query, "SPLIT_READ_POINTS", split),
        mock.patch.object(query, "by_branches", return_value=branches),
    ):
        _check_pages(params, province["viewers"][viewer])


def test_read_point_pages_every_viewer_and_order(province):
    """Several values (one read elsewhere, one unknown), small pages, every viewer, ordering and direction,
    by both plans."""
    for viewer, order, direction, branches in itertools.product(
        VIEWERS, ("", "eventTime", "recordTime"), ("", "ASC", "DESC"), (True, False)
    ):
        params = {"perPage": "4", "EQ_readPoint": f"{FARM}|{DOOR}|{UNKNOWN}"}
        params.update({k: v for k, v in (("orderBy", order), ("orderDirection", direction)) if v})
        with mock.patch.object(query, "by_branches", return_value=branches):
            _check_pages(params, province["viewers"][viewer])
    assert len(_reference({"EQ_readPoint": f"{FARM}|{DOOR}"}, province["viewers"]["admin"])) > 8


def test_which_plan_each_database_gets(province):
    """SQLite: branches where it would read the OR through both location indexes (everything visible), the
    OR where another index drives (a producer's organisation). PostgreSQL: always the OR."""
    from django.db import connection

    def ordered(events: Any) -> Any:
        return events.filter(query.read_point_in([FARM, DOOR])).order_by("pk")[:5]

    organization = province["organizations"][0]
    assert query.by_branches(ordered(Event.objects.all())) is (connection.vendor == "sqlite")
    assert query.by_branches(ordered(Event.objects.filter(organization_id__in=[organization.pk]))) is False
    assert query.by_branches(ordered(Event.objects.filter(pk__in=[]))) is False  # nothing to ask


def test_read_point_edge_cases(province):
    """No value: an empty page; a token of other values refused; a viewer who sees nothing (no public lot
    left, so the anonymous filter is empty before any branch is asked) gets an empty page."""
    from catalog.models import Lot

    admin = province["viewers"]["admin"]
    result = query.page({"EQ_readPoint": "|", "perPage": "5"}, Event.objects.all())
    assert (result.events, result.next_token) == ([], None)
    first = run_query({"EQ_readPoint": FARM, "perPage": "1"}, admin)
    assert _held(first.next_token) == _expected_token({"EQ_readPoint": FARM, "perPage": "1"}, first.events[0])
    with pytest.raises(query.QueryError) as caught:
        run_query({"EQ_readPoint": PLANT, "perPage": "1", "nextPageToken": first.next_token}, admin)
    assert caught.value.parameter == "nextPageToken"
    Lot.objects.update(status="draft")
    result = run_query({"EQ_readPoint": FARM}, province["viewers"]["anonymous"])
    assert (result.events, result.next_token) == ([], None)


def test_branches_are_disjoint_and_cover_read_point_in(province):
    values = [FARM, DOOR, PLANT, UNKNOWN, FARM]
    seen: list[int] = []
    for branch in query.read_point_branches(values):
        seen += Event.objects.filter(branch).values_list("pk", flat=True)
    assert sorted(seen) == sorted(Event.objects.filter(read_point__in=values).values_list("pk", flat=True))
    assert len(query.read_point_branches(values)) == 2 * 4  # one pair per distinct value
    with mock.patch.object(query, "SPLIT_READ_POINTS", 3):
        assert len(query.read_point_branches(values)) == 2
    assert query.read_point_branches([]) == []
