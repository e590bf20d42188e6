from __future__ import annotations

import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def _fresh_portal_cache(settings, tmp_path):
    caches["portal"].clear()
    settings.TRUYXUAT_STAMP_CODES_DIR = tmp_path / "stamp-codes"
    yield
    caches["portal"].clear()


@pytest.fixture
def client(client):
    client.defaults["HTTP_HOST"] = "testserver"
    return client
