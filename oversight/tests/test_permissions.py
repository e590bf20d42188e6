"""The permission matrix of every officer page, form and API endpoint: anonymous callers are sent to sign in (pages)
or get 401 (API); a consumer, a producer, another organisation's owner and an officer of another province get 403;
a refused call writes nothing. The pages are found in the URL map, so a new page is covered the day it is added.
What officers may do is tested page by page (test_pages.py, test_api.py, the domain apps)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.http import HttpResponse
from django.urls import URLPattern, reverse
from django.views.decorators.http import require_POST

from accounts.tests.factories import UserFactory
from catalog.tests.factories import AgencyFactory, OrganizationFactory, ProductFactory
from core.models import AuditEntry
from oversight import urls
from oversight.views.common import officer_required
from reviews import services as review_services
from reviews.models import Review

REFUSED = ["consumer", "other_producer", "producer", "foreign_officer"]
_OFFICER_CHECK = officer_required(lambda request: HttpResponse()).__code__
_POST_ONLY = require_POST(lambda request: HttpResponse()).__code__


def _chain(view: Callable[..., Any]) -> list[Any]:
    out = [view]
    while hasattr(out[-1], "__wrapped__"):
        out.append(out[-1].__wrapped__)
    return out


def _officer_pages() -> list[tuple[str, bool]]:
    """(URL, POST only) of every page behind `officer_required`, with 1 for each id in its path."""
    found = []
    for pattern in urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        chain = _chain(pattern.callback)
        if any(getattr(f, "__code__", None) is _OFFICER_CHECK for f in chain):
            converters = pattern.pattern.converters  # type: ignore[attr-defined]
            kwargs = {name: "catalog.lot" if name == "subject_type" else 1 for name in converters}
            if "fmt" in kwargs:
                kwargs["fmt"] = "pdf"
            post_only = any(getattr(f, "__code__", None) is _POST_ONLY for f in chain)
            found.append((reverse(f"oversight:{pattern.name}", kwargs=kwargs), post_only))
    return found


PAGES = _officer_pages()


def test_every_officer_page_is_found():
    """The discovery sees through the decorators: pages, forms, POST-only actions and files."""
    for page in [
        ("/oversight/", False),
        ("/oversight/phe-duyet/chinh-sach/1/", True),
        ("/oversight/thu-hoi/1/ket-thuc/", True),
        ("/oversight/bao-cao/1/tep/pdf/", False),
        ("/oversight/dang-nhap/mo-khoa/", False),
    ]:
        assert page in PAGES
    assert "/oversight/thu-hoi/1/" not in dict(PAGES)  # members of an affected organisation see a recall too


@pytest.fixture
def people(actors):
    return {**actors, "foreign_officer": UserFactory(username="foreign", agency=AgencyFactory(province_code=1))}


def test_anonymous_callers_are_sent_to_sign_in(db, client):
    for url, post_only in PAGES:
        for method in ("post",) if post_only else ("get", "post"):
            response = getattr(client, method)(url)
            assert (response.status_code, response["Location"].split("?")[0]) == (302, "/accounts/login/"), url
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize("name", REFUSED)
def test_others_are_refused(client, people, name):
    client.force_login(people[name])
    for url, post_only in PAGES:
        if not post_only and name == "foreign_officer":  # test_pages.py opens the lists as the others
            assert client.get(url).status_code == 403, url
        assert client.post(url, {"reason": "x", "note": "x"}).status_code == 403, url
    assert AuditEntry.objects.count() == 0


API = [
    ("get", "/api/v1/oversight/reviews/queue", None),
    ("post", "/api/v1/oversight/reviews/catalog.lot/1/decision", {"decision": "approved"}),
    ("post", "/api/v1/oversight/lab-tests", {"analyte": "borax", "value": "1", "lot_ids": []}),
    ("post", "/api/v1/oversight/recalls", {"reason": "x"}),
    ("get", "/api/v1/oversight/recalls/1", None),
    ("get", "/api/v1/oversight/dashboard", None),
    ("post", "/api/v1/oversight/reports", {"period_kind": "year", "year": 2025}),
    ("get", "/api/v1/oversight/reports/1", None),
]


@pytest.mark.parametrize("name", ["anonymous", *REFUSED])
def test_the_api_is_for_officers_only(client, people, name):
    if name != "anonymous":
        client.force_login(people[name])
    for method, url, body in API:
        response = client.generic(method.upper(), url, "" if body is None else json.dumps(body))
        assert response.status_code == (401 if name == "anonymous" else 403), url
        assert response["Content-Type"] == "application/problem+json", url
    assert AuditEntry.objects.count() == 0


def test_an_officer_sees_no_recall_of_another_province_through_the_api(client, officer):
    from recalls.models import Recall

    elsewhere = OrganizationFactory(province_code=1)
    recall = Recall.objects.create(organization=elsewhere, code="TH-X-1", reason="Hàn the")
    client.force_login(officer)
    response = client.get(f"/api/v1/oversight/recalls/{recall.pk}")
    assert (response.status_code, response["Content-Type"]) == (403, "application/problem+json")


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("anonymous", 302),
        ("consumer", 403),
        ("other_producer", 403),
        ("foreign_officer", 403),
        ("producer", 200),  # a member of the organisation it concerns (the notification's link)
        ("staff", 200),
        ("officer", 200),
    ],
)
def test_a_review_decision_page(client, people, producer_staff, organization, officer, name, status):
    people["staff"] = producer_staff
    product = ProductFactory(organization=organization)
    review = review_services.decide(actor=officer, subject=product, decision="approved")
    assert isinstance(review, Review)
    if name != "anonymous":
        client.force_login(people[name])
    assert client.get(reverse("oversight:review_decision", args=[review.pk])).status_code == status
