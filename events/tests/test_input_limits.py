"""Input limits of the EPCIS REST binding: every malformed or hostile body is a 400 problem, and nothing is stored.

Deep nesting, huge numbers, lone surrogates, oversized strings, negative quantities, a document without its
body; path parameters that are not identifiers; a refused capture filed under the caller's own organisation.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.epcis import CONTEXT_URL, EpcisError, parse_document, parse_event
from events.epcis.limits import MAX_DEPTH, MAX_STRING_BYTES, scan, too_deep
from events.models import Capture, Event
from events.tests.helpers import GTIN_A, body, document, lgtin, object_event, token_for
from ledger.models import LedgerLeaf

EVENT = object_event([lgtin(GTIN_A, "L1")])
DOC = body(document([EVENT]))
SINGLE = json.dumps({"@context": [CONTEXT_URL], **EVENT}).encode()


def _problems(data: bytes, single: bool = False) -> list[tuple[str, str]]:
    try:
        parse_event(data) if single else parse_document(data, validate=False)
    except EpcisError as exc:
        return [(p.pointer, p.message) for p in exc.problems]
    return []


# ---- the parser, without a database ------------------------------------------------------------------------


def test_valid_document_and_event_pass():
    assert _problems(DOC) == []
    assert _problems(SINGLE, single=True) == []


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5_000])
def test_deep_extension_refused(depth):
    deep = "{" * depth + "}" * depth
    text = DOC.replace(b'"action": "ADD"', b'"action": "ADD", "ex:x": ' + deep.encode())
    assert _problems(text) == [("", f"JSON nested deeper than {MAX_DEPTH} levels / JSON lồng sâu quá {MAX_DEPTH} mức")]


def test_depth_limit_is_exact():
    assert too_deep(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH) is False
    assert too_deep(b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1)) is True
    assert too_deep(b'{"a": "[[[[[[[[[[" , "b": [{}]}', limit=3) is False  # brackets inside strings do not count
    assert too_deep(b'{"a": "\\"[[[[", "b": [[{}]]}', limit=3) is True  # an escaped quote does not end a string


def test_unbalanced_brackets_refused_without_recursion_error():
    assert _problems(b"[" * 200_000)[0][1].startswith("JSON nested deeper than")
    assert _problems(b'{"a":' * 200_000)[0][1].startswith("JSON nested deeper than")


@pytest.mark.parametrize("number", [b"1e999", b"-1e999", b"1" + b"0" * 400, b"NaN", b"Infinity"])
def test_huge_or_non_finite_numbers_refused(number):
    text = DOC.replace(b'"quantity": 100', b'"quantity": ' + number)
    problems = _problems(text)
    assert len(problems) == 1 and problems[0][0] == ""
    assert "out of range" in problems[0][1] or "not valid JSON" in problems[0][1]


def test_negative_quantity_refused_with_pointer():
    text = DOC.replace(b'"quantity": 100', b'"quantity": -5')
    assert _problems(text) == [
        (
            "/epcisBody/eventList/0/quantityList/0/quantity",
            "quantity must be a finite number ≥ 0, got -5 / số lượng phải là số hữu hạn ≥ 0",
        )
    ]
    single = SINGLE.replace(b'"quantity": 100', b'"quantity": -0.5')
    assert [p for p, _m in _problems(single, single=True)] == ["/quantityList/0/quantity"]


def test_lone_surrogate_refused_with_pointer_pair_accepted():
    lone = DOC.replace(b'"action": "ADD"', b'"action": "ADD", "ex:note": "a\\ud800b"')
    assert _problems(lone) == [
        (
            "/epcisBody/eventList/0/ex:note",
            "a lone UTF-16 surrogate is not Unicode text / chuỗi chứa ký tự thay thế UTF-16 đơn lẻ, không hợp lệ",
        )
    ]
    pair = DOC.replace(b'"action": "ADD"', b'"action": "ADD", "ex:note": "\\ud83c\\udf3f"')
    assert _problems(pair) == []
    assert _problems(b'{"type": "EPCISDocument", "a": "\xed\xa0\x80"}')[0][1].startswith("body is not UTF-8")


def test_long_string_refused_with_pointer_even_behind_escapes():
    limit = MAX_STRING_BYTES
    at_limit = DOC.replace(b'"action": "ADD"', b'"action": "ADD", "ex:note": "' + b"a" * limit + b'"')
    assert _problems(at_limit) == []
    over = DOC.replace(b'"action": "ADD"', b'"action": "ADD", "ex:note": "' + b"a" * (limit + 1) + b'"')
    assert _problems(over) == [
        (
            "/epcisBody/eventList/0/ex:note",
            f"string longer than {limit} bytes / chuỗi dài quá {limit} byte ({limit + 1})",
        )
    ]
    escaped = DOC.replace(b'"action": "ADD"', b'"action": "ADD", "ex:note": "' + b'\\"' * (limit + 1) + b'"')
    assert [p for p, _m in _problems(escaped)] == ["/epcisBody/eventList/0/ex:note"]
    assert scan(DOC) == (False, False)


@pytest.mark.parametrize(
    ("doc", "pointer"),
    [
        ({"@context": [CONTEXT_URL], "type": "EPCISDocument", "schemaVersion": "2.0"}, "/epcisBody"),
        ({"type": "EPCISDocument", "epcisBody": {}}, "/epcisBody/eventList"),
        ({"type": "EPCISDocument", "epcisBody": {"eventList": {}}}, "/epcisBody/eventList"),
        ({"type": "EPCISDocument", "epcisBody": []}, "/epcisBody"),
    ],
)
def test_document_without_body_or_event_list_refused(doc, pointer):
    assert [p for p, _m in _problems(json.dumps(doc).encode())] == [pointer]


def test_control_characters_in_identifiers_refused():
    text = body(document([object_event([lgtin(GTIN_A, "L1")], epcs=["urn:epc:id:sgtin:8938501.000001.A\x00B"])]))
    with pytest.raises(EpcisError) as exc:
        parse_document(text, validate=True)
    assert [p.pointer for p in exc.value.problems] == ["/epcisBody/eventList/0/epcList/0"]


def test_gs1_samples_pass_the_limits():
    from events.tests.epcis._conformance import JSON_DIR

    samples = sorted(JSON_DIR.rglob("*.json")) + sorted(JSON_DIR.rglob("*.jsonld"))
    assert len(samples) >= 30
    for path in samples:
        data = path.read_bytes()
        assert scan(data) == (False, False), path.name
        assert not too_deep(data, limit=12), path.name


# ---- the REST binding ----------------------------------------------------------------------------------------


def _hostile(base: bytes) -> list[bytes]:
    """The probes of the security review, on a document or a single event."""
    extend = b'"action": "ADD", "ex:x": '
    return [
        base.replace(b'"quantity": 100', b'"quantity": 1e999'),
        base.replace(b'"quantity": 100', b'"quantity": -5'),
        base.replace(b'"action": "ADD"', extend + b'"\\ud800"'),
        b"[" * 200_000,
        base.replace(b'"action": "ADD"', extend + b'{"ex:y":' * 5_000 + b"1" + b"}" * 5_000),
        base.replace(b'"action": "ADD"', extend + b'"' + b"x" * (MAX_STRING_BYTES + 1) + b'"'),
        base.replace(b'/10/L1"', b'/10/L1\\u0000"'),
    ]


HOSTILE = {
    "/epcis/capture": [
        *_hostile(DOC),
        json.dumps({"@context": [CONTEXT_URL], "type": "EPCISDocument", "schemaVersion": "2.0"}).encode(),
        json.dumps({"@context": [CONTEXT_URL], "type": "EPCISDocument", "epcisBody": {}}).encode(),
    ],
    "/epcis/events": _hostile(SINGLE),
}


def _stored() -> tuple[int, int]:
    return Event.objects.count(), LedgerLeaf.objects.count()


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "index"), [(p, i) for p, bodies in HOSTILE.items() for i in range(len(bodies))])
def test_hostile_bodies_are_400_problems_and_nothing_is_stored(client, organization, path, index):
    token = token_for(organization)
    data = HOSTILE[path][index]
    assert data not in (DOC, SINGLE)
    before = _stored()
    response = client.post(path, data=data, content_type="application/ld+json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    assert " / " in response.json()["title"]
    assert _stored() == before


def test_the_valid_bodies_are_stored(client, organization):
    token = token_for(organization)
    for path, data in (("/epcis/capture", DOC), ("/epcis/events", SINGLE)):
        response = client.post(
            path, data=data, content_type="application/ld+json", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        assert response.status_code in (201, 202, 409), response.content[:300]
    assert Event.objects.count() == 1


@pytest.mark.django_db
def test_capture_job_path_that_is_no_uuid_is_404(client, organization):
    token = token_for(organization)
    for job in ("123", "x" * 5000, "%00"):
        response = client.get(f"/epcis/capture/{job}", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_event_path_with_control_characters_or_too_long_is_404(client, organization):
    token = token_for(organization)
    for event_id in ("urn%3Auuid%3A%00", "x" * 1001):
        response = client.get(f"/epcis/events/{event_id}", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 404


@pytest.mark.django_db
def test_failed_capture_named_for_another_organisation_is_filed_under_the_callers_own(
    organization, other_organization, producer, other_producer
):
    a_client, b_client = Client(), Client()
    a_client.force_login(producer)
    b_client.force_login(other_producer)
    response = a_client.post(
        f"/epcis/capture?organization={other_organization.tax_code}", data=b"{broken", content_type="application/json"
    )
    assert response.status_code == 400
    job = Capture.objects.get()
    assert (job.organization_id, job.status) == (organization.pk, "failed")
    assert b_client.get("/epcis/capture").json()["captureJobs"] == []
    assert [j["captureID"] for j in a_client.get("/epcis/capture").json()["captureJobs"]] == [str(job.capture_id)]


@pytest.mark.django_db
def test_failed_capture_of_a_token_is_filed_under_its_organisation(client, organization, other_organization):
    token = token_for(organization)
    response = client.post(
        f"/epcis/capture?organization={other_organization.tax_code}",
        data=b"{broken",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400
    assert list(Capture.objects.values_list("organization_id", flat=True)) == [organization.pk]


# ---- generated bodies ----------------------------------------------------------------------------------------

_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
_json = st.recursive(_leaf, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner))


@st.composite
def _generated(draw: st.DrawFn) -> bytes:
    """A body wrong in one of the ways an attacker tries: wrong types, deep nesting, huge numbers, surrogates."""
    kind = draw(st.sampled_from(["types", "deep", "number", "surrogate", "bytes"]))
    if kind == "types":
        event = dict(EVENT)  # fields that must be strings, given anything else
        event[draw(st.sampled_from(["type", "eventTime", "eventTimeZoneOffset", "action"]))] = draw(
            _json.filter(lambda value: not isinstance(value, str))
        )
        return body(document([event]))
    if kind == "deep":
        depth = draw(st.integers(min_value=MAX_DEPTH + 1, max_value=3_000))
        opener = draw(st.sampled_from([b"[", b'{"ex:a":']))
        return DOC.replace(b'"action": "ADD"', b'"action": "ADD", "ex:x": ' + opener * depth)
    if kind == "number":
        number = draw(st.sampled_from([b"1e400", b"-1e309", b"9" * 320, b"NaN", b"-Infinity", b"-1", b"-0.001"]))
        return draw(st.sampled_from([DOC, SINGLE])).replace(b'"quantity": 100', b'"quantity": ' + number)
    if kind == "surrogate":
        code = draw(st.integers(min_value=0xD800, max_value=0xDFFF))
        return draw(st.sampled_from([DOC, SINGLE])).replace(b'/10/L1"', f'/10/L1\\u{code:04x}"'.encode())
    return draw(st.binary(max_size=200))


@pytest.fixture
def token(organization):
    return token_for(organization)


@pytest.mark.django_db
@settings(max_examples=60, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=_generated())
def test_generated_hostile_bodies_never_5xx_and_store_nothing(token, data):
    client = Client()
    before = _stored()
    for path in ("/epcis/capture", "/epcis/events"):
        response = client.post(
            path, data=data, content_type="application/ld+json", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        assert 400 <= response.status_code < 500, (path, response.status_code, response.content[:200])
        assert response["Content-Type"] == "application/problem+json"
    assert _stored() == before


def test_identifier_over_key_max_refused_with_pointer_to_the_field():
    from events.epcis.prepare import merge, prepare

    long_epc = "urn:epc:id:sgtin:8938501.000001." + "9" * 1000
    event = object_event([lgtin(GTIN_A, "L1")], epcs=["urn:epc:id:sgtin:8938501.000001.1", long_epc])
    header = {
        "@context": [CONTEXT_URL],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-11-20T08:00:00Z",
    }
    part = prepare([event], header, [CONTEXT_URL], "2026-11-20T08:00:00.000Z", key_max=1000)
    with pytest.raises(EpcisError) as exc:
        merge([part])
    assert [(p.pointer, p.message) for p in exc.value.problems] == [
        ("/epcisBody/eventList/0/epcList/1", "identifier longer than 1000 characters")
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["perPage=9223372036854775807", "perPage=-1", "perPage=abc", "nextPageToken=garbage", "nextPageToken=%00"]
)
def test_query_paging_parameters_out_of_bounds_are_400_problems(client, organization, query):
    client.force_login(_owner(organization))
    response = client.get(f"/epcis/events?{query}")
    assert response.status_code == 400
    assert response.json()["type"] == "epcisException:QueryParameterException"


def _owner(organization):
    from accounts.models import Membership, User

    user = User.objects.create(username="limits-owner")
    Membership.objects.create(user=user, organization=organization, role="owner")
    return user
