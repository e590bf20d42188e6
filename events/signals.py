"""Late linking: a catalogue lot registered after its events arrived is joined to their keys."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save


def _lot_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        from events.services.keys import link_lot

        link_lot(instance.pk, instance.product.gtin, instance.lot_code)


def connect() -> None:
    from catalog.models import Lot

    post_save.connect(_lot_saved, sender=Lot, dispatch_uid="events.link_lot")
