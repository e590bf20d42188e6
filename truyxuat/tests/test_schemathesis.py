"""schemathesis over every operation of /api/openapi.json, in-process (the WSGI app), with no server error.

Each operation is called by an anonymous client, by an approved producer's API token (all scopes) and by the
producer's session (with a CSRF token, so writes get past CSRF), a fixed number of generated cases each,
derandomized (the same cases on every run); each case runs in a transaction rolled back after it, so no case
sees another's writes. The only check is schemathesis' `not_a_server_error`: 4xx answers are expected from
generated input, a 5xx never.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
import schemathesis
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error

from accounts.services import create_api_token
from catalog.tests.factories import GrowingAreaFactory, ProductFactory
from events.views_discovery import KINDS
from truyxuat.api import api

EXAMPLES = 4
# The EPCIS binding's writes get fewer cases each, its reads one, and its discovery resources (/epcis/eventTypes,
# /epcs, …: 18 reads of one view) none: truyxuat/tests/test_openapi_exact.py validates real answers of every EPCIS
# read and events/tests/test_discovery.py their bad input, so the time goes to the operations nothing else fuzzes.
EPCIS_EXAMPLES = 2
DISCOVERY = tuple(f"/epcis/{kind}" for kind in KINDS)
CSRF = "schemathesisCsrfToken0123456789a"  # 32 characters: an unmasked CSRF secret, sent as cookie and header
RAW = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/")))
OPERATIONS = sorted(
    (method.upper(), path) for path, item in RAW["paths"].items() for method in item if not path.startswith(DISCOVERY)
)


@cache
def _schema() -> Any:
    from truyxuat.wsgi import application

    schema = schemathesis.openapi.from_dict(RAW)
    schema.app = application
    return schema


@pytest.fixture
def _connection_kept():
    """As Django's test client does: the WSGI app must not close the test's connection (and its transaction)
    at the end of each request."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def callers(settings, organization, _connection_kept) -> dict[str, dict[str, Any]]:
    from django.test import Client

    from accounts.models import Membership, User

    settings.ALLOWED_HOSTS = ["localhost"]
    producer = User.objects.create(username="schemathesis-owner")  # no password: nothing slow to hash
    Membership.objects.create(user=producer, organization=organization, role="owner")
    ProductFactory(organization=organization)
    GrowingAreaFactory(organization=organization)
    token = create_api_token(actor=producer, organization=organization, name="schemathesis")[1]
    client = Client()
    client.force_login(producer)
    session = client.cookies["sessionid"].value
    return {
        "anonymous": {},
        "token": {"headers": {"Authorization": f"Bearer {token}"}},
        "session": {
            "headers": {"X-CSRFToken": CSRF},
            "cookies": {"sessionid": session, "csrftoken": CSRF},
        },
    }


def test_every_operation_is_covered():
    assert len(OPERATIONS) >= 40
    assert sum(path.startswith("/epcis/") for _method, path in OPERATIONS) == 35 - 18
    assert ("GET", "/api/v1/lots") in OPERATIONS and ("POST", "/api/v1/workspace/harvests") in OPERATIONS


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_no_server_error(callers, method, path):
    operation = _schema().find_operation_by_path(method.lower(), path)
    assert operation is not None
    statuses: list[int] = []
    examples = (EPCIS_EXAMPLES if method != "GET" else 1) if path.startswith("/epcis/") else EXAMPLES
    for kwargs in callers.values():
        _run(operation, kwargs, statuses, examples)
    assert len(statuses) >= len(callers) and all(status < 500 for status in statuses)


def _run(operation: Any, kwargs: dict[str, Any], statuses: list[int], examples: int) -> None:
    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        with transaction.atomic():
            response = case.call_and_validate(checks=[not_a_server_error], **kwargs)
            statuses.append(response.status_code)
            transaction.set_rollback(True)

    run()
