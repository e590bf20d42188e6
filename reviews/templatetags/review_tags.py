"""`{% load review_tags %}`: review facts a producer's page shows (the reason an officer returned a lot)."""

from __future__ import annotations

from typing import Any

from django import template

from reviews import selectors
from reviews.models import Review

register = template.Library()


@register.simple_tag
def lot_return(lot: Any) -> Review | None:
    """`{% lot_return lot as returned %}`: the decision that sent this draft lot back, or None."""
    return selectors.return_of(lot)
