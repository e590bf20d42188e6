"""Shared fixtures: the five actors of the permission matrix, and media files kept out of the repo."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpRequest
from django.test import Client as DjangoClient

from accounts.models import Membership
from accounts.tests.factories import UserFactory
from catalog.tests.factories import AgencyFactory, OrganizationFactory

DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


def _transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(marker and marker.kwargs.get("transaction")) or bool({"transactional_db", "live_server"} & fixtures)


@pytest.fixture(autouse=True)
def _reference_rows(request):
    """A transactional test (live server, `transaction=True`) ends by flushing every table, and with them the rows
    the data migrations seeded (priority catalogue, analytes and maximum levels, plan indicators, survey forms): a
    later transactional test would find them or not depending on the order tests ran in. Each transactional test
    starts with them put back (`core.tests.seeded_province.restore_reference_data`, which fills only empty tables)."""
    if _transactional(request.node):
        request.getfixturevalue("transactional_db")
        from core.tests.seeded_province import restore_reference_data

        restore_reference_data()


def pytest_sessionfinish(session):
    """The run's migrated template for server processes (`core.tests.served`) is removed by the process that owns
    the run: pytest-xdist's controller, or the one process of a run without it."""
    if not hasattr(session.config, "workerinput"):
        from core.tests.served import remove_templates

        remove_templates()


@pytest.hookimpl(tryfirst=True)  # before pytest-django's (also tryfirst; conftest hooks are called first)
def pytest_collection_modifyitems(config, items):
    """`TRUYXUAT_TEST_DATABASE_ONLY=1` (the PostgreSQL pass of `make test`): run only the tests that use the
    database. The others (pure cores, parsers, hashing, the Go verifier) cannot reach it — pytest-django refuses
    database access to a test without the `django_db` mark or a database fixture — so a second pass would repeat
    exactly what the SQLite pass ran. A test whose subprocesses use the configured database carries the
    `database_process` mark and is kept. The Chromium journeys (the `browser` fixture) run in the SQLite pass
    only: they test what the browser shows and does, and every request they make is served by views whose
    database work the other tests run on PostgreSQL. The deselected count is printed by pytest."""
    _long_first(items)
    if os.environ.get("TRUYXUAT_TEST_DATABASE_ONLY") != "1":
        # a streaming replica of the suite's PostgreSQL server, nodes sharing it (core/tests/test_replica.py,
        # test_nodes.py): in that pass only
        standby = [item for item in items if {"pg_standby", "pg_nodes"} & set(getattr(item, "fixturenames", ()))]
        if standby and settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            config.hook.pytest_deselected(items=standby)
            items[:] = [item for item in items if item not in standby]
        return
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        uses_db = (
            item.get_closest_marker("django_db") is not None
            or item.get_closest_marker("database_process") is not None
            or bool(DATABASE_FIXTURES & fixtures)
        ) and "browser" not in fixtures
        (keep if uses_db else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _long(item: pytest.Item) -> bool:
    """A test that drives Chromium or a live server, or whose module starts processes (servers, the Go verifier,
    Node): seconds each, where most tests take milliseconds."""
    fixtures = set(getattr(item, "fixturenames", ()))
    module = getattr(item, "module", None)
    return bool({"browser", "live_server"} & fixtures) or (module is not None and "subprocess" in vars(module))


def _long_first(items: list[pytest.Item]) -> None:
    """The long tests go first (a stable sort: the order is otherwise the collection's). This hook runs before
    pytest-django's, whose own stable sort into Django's groups (database, transactional, the rest) then keeps the
    long tests first within each group, so that `-n 2` workers don't end with one of them running a long test
    alone while the other waits. Order never changes what a test sees: each test sets up what it needs."""
    items.sort(key=lambda item: not _long(item))


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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, then offered as the run's migrated template for server processes
    (`core.tests.served.offer_template`: the first worker to get here copies its fresh database). At the end, the
    connections of the threads that read alongside requests (`core.storage.alongside`) are closed: PostgreSQL drops
    a database only while nobody is connected to it."""
    from django.db import connection

    from core.storage.alongside import close_connections
    from core.tests.served import offer_template

    # else no test database: none of this session's tests asked for one (pytest-django sets up only those)
    if connection.settings_dict["NAME"] == connection.creation._get_test_db_name():
        with django_db_blocker.unblock():
            connection.close()  # PostgreSQL copies a database only while nobody is connected to it
            offer_template(connection.settings_dict)
    yield
    with django_db_blocker.unblock():
        close_connections()


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher():
    """Tests hash with Argon2 at its smallest cost (core.tests.hashers); production settings keep the default
    cost, which `core/tests/test_site.py` checks on the settings module itself."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["core.tests.hashers.FastArgon2PasswordHasher"]):
        yield


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
    """Files each test writes stay its own: uploads, and stamp batches' print files (named by the batch's primary key,
    which tests running at once in other databases share: under one directory, one test's batch 1 replaced
    another's, whose codes were then missing)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TRUYXUAT_STAMP_CODES_DIR = tmp_path / "stamp-codes"


class Client(DjangoClient):
    """The test client; `force_login` of an agency officer or platform admin gives the session a real signed-in
    officer has: password login plus a code checked by their confirmed TOTP device (django-otp's own `login`),
    the device created confirmed if they have none. Without it, accounts.otp holds the session at the code page.
    The requirement itself is tested through the real forms in accounts/tests/test_two_factor.py."""

    def _login(self, user, backend=None):
        from django.contrib.auth import login
        from django.contrib.auth.models import AnonymousUser
        from django_otp import login as otp_login

        from accounts.otp import confirmed_device, needs_second_factor

        request = HttpRequest()
        if self.session:
            request.session = self.session
        else:
            request.session = import_module(settings.SESSION_ENGINE).SessionStore()
        request.user = AnonymousUser()
        login(request, user, backend)
        if needs_second_factor(user):
            device = confirmed_device(user) or totp_device(user)
            otp_login(request, device)
        request.session.save()
        self._set_login_cookies(request)


def totp_device(user, *, confirmed=True):
    """A TOTP device for `user` (confirmed, as after enrolment)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="totp", confirmed=confirmed)


def totp_code(device, *, steps_ahead=0):
    """The code the officer's app shows now (or `steps_ahead` 30-second steps later), from the device's key."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def client():
    return Client()


def browser_sign_in(tab, base_url, user, password, next_path="/"):
    """Sign `user` in through the real pages in a Playwright tab; officers and admins also pass the code step
    (a confirmed device is created for them if they have none, and its current code typed in)."""
    from accounts.otp import confirmed_device, needs_second_factor

    device = (confirmed_device(user) or totp_device(user)) if needs_second_factor(user) else None
    tab.goto(f"{base_url}/accounts/login/?next={next_path}")
    tab.fill("input[name=username]", user.username)
    tab.fill("input[name=password]", password)
    tab.click("main button[type=submit]")
    if device is not None:
        tab.wait_for_url("**/accounts/xac-thuc/**")
        tab.fill("input[name=code]", totp_code(device))
        tab.click("main form:not([action]) button[type=submit]")
    tab.wait_for_url(f"**{next_path}")


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
