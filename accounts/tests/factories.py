"""Factories for users and memberships."""

from __future__ import annotations

import factory

from accounts.models import Membership, User


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    password = factory.django.Password("correct-horse-battery-9")


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory("catalog.tests.factories.OrganizationFactory")
    role = "owner"
