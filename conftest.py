"""Shared fixtures: the five actors of the permission matrix, and media files kept out of the repo."""

from __future__ import annotations

import pytest

from accounts.models import Membership
from accounts.tests.factories import UserFactory
from catalog.tests.factories import AgencyFactory, OrganizationFactory


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
