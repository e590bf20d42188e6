"""Factories for stamps."""

from __future__ import annotations

import factory

from catalog.tests.factories import ProductFactory
from stamps.models import StampBatch


class StampBatchFactory(factory.django.DjangoModelFactory[StampBatch]):
    class Meta:
        model = StampBatch

    product = factory.SubFactory(ProductFactory)
    organization = factory.SelfAttribute("product.organization")
    quantity = 5
