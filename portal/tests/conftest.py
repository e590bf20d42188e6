from __future__ import annotations

import pytest
from django.core.cache import caches

from portal.cache import forget_local


@pytest.fixture(autouse=True)
def _fresh_portal_cache():
    caches["portal"].clear()
    forget_local()
    yield
    caches["portal"].clear()
    forget_local()


@pytest.fixture
def client(client):
    client.defaults["HTTP_HOST"] = "testserver"
    return client
