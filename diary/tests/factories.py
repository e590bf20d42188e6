"""Factories and helpers for the producer workspace's tests (diary, logistics, rules, workspace)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import factory
from django.utils import timezone

from catalog.tests.factories import GrowingAreaFactory, OrganizationFactory, ProductFactory
from diary.models import DiaryEntry


def days_ago(n: int, hour: int = 8) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=n)
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))
    # Today at `hour` may not have come yet (tests run at any time of day): then a minute ago.
    return min(moment, timezone.now() - dt.timedelta(minutes=1))


class DiaryEntryFactory(factory.django.DjangoModelFactory[DiaryEntry]):
    class Meta:
        model = DiaryEntry

    client_id = factory.LazyFunction(uuid.uuid4)
    organization = factory.SubFactory(OrganizationFactory)
    growing_area = factory.SubFactory(GrowingAreaFactory, organization=factory.SelfAttribute("..organization"))
    activity = "fertilising"
    occurred_at = factory.LazyFunction(lambda: days_ago(3))
    product_name = "NPK 16-16-8"


def farm(organization):
    """An area and a product of `organization` (a coffee farm)."""
    area = GrowingAreaFactory(organization=organization, crop="Cà phê vối")
    product = ProductFactory(organization=organization, name="Cà phê nhân", shelf_life_days=365)
    return area, product


def spraying(organization, area, *, ago: int, phi: int, name: str = "Anvil 5SC"):
    return DiaryEntryFactory(
        organization=organization,
        growing_area=area,
        activity="spraying",
        occurred_at=days_ago(ago),
        product_name=name,
        active_ingredient="Hexaconazole",
        phi_days=phi,
    )


QTY = Decimal("100")
