"""Shared fixtures: the five actors of the permission matrix, and media files kept out of the repo."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from accounts.models import Membership
from accounts.tests.factories import UserFactory
from catalog.tests.factories import AgencyFactory, OrganizationFactory


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """SQLite tests run on a file of their own, not Django's in-memory default, so they see WAL mode and
    real locking between connections (concurrent ledger appends are tested on both databases).

    The file lives in a directory private to this worker (not pytest's tmp_path, which a concurrent
    pytest run may prune) and is removed at the end of the session.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        yield
        return
    directory = tempfile.mkdtemp(prefix="truyxuat-testdb-")
    database.setdefault("TEST", {})["NAME"] = os.path.join(directory, "test.sqlite3")
    yield
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in Vietnamese: a request in English through the test client leaves its language
    active in the thread, which would otherwise leak into the next test's messages."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def organization(db):
    return OrganizationFactory()


@pytest.fixture
def other_organization(db):
    return OrganizationFactory()


@pytest.fixture
def agency(db):
    return AgencyFactory()


@pytest.fixture
def producer(organization):
    user = UserFactory(username="producer")
    Membership.objects.create(user=user, organization=organization, role="owner")
    return user


@pytest.fixture
def producer_staff(organization):
    user = UserFactory(username="staff")
    Membership.objects.create(user=user, organization=organization, role="staff")
    return user


@pytest.fixture
def other_producer(other_organization):
    user = UserFactory(username="other")
    Membership.objects.create(user=user, organization=other_organization, role="owner")
    return user


@pytest.fixture
def officer(agency):
    return UserFactory(username="officer", agency=agency)


@pytest.fixture
def consumer(db):
    return UserFactory(username="consumer")


@pytest.fixture
def anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.fixture
def actors(anonymous, consumer, other_producer, producer, officer):
    """The permission matrix's rows, by name."""
    return {
        "anonymous": anonymous,
        "consumer": consumer,
        "other_producer": other_producer,
        "producer": producer,
        "officer": officer,
    }


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium driven by Playwright, one per test module (see ../shared/RECIPES.md)."""
    assert Path(CHROMIUM).exists(), "Chromium is required: scripts/ensure-system-packages.sh installs it"
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop in this thread; the Django calls the tests make
    # beside it are ordinary synchronous ones.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield launched
            launched.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
