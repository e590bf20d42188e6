"""A lot's story as its pages render it: cached per language, and the context every story template takes."""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import get_language

from catalog import selectors as catalog
from portal import cache
from portal.labels import story_labels
from portal.selectors import lot_story, map_features


def cached_story(gtin: str, lot_code: str) -> dict[str, Any] | None:
    """The lot's story in the current language, from the data cache when a page variant was not cached yet."""
    key = cache.page_key("story", gtin, lot_code, get_language() or "vi")
    story = cache.get_data(key)
    if story is None:
        lot = catalog.public_lot(gtin, lot_code)
        if lot is None:
            return None
        story = lot_story(lot)
        cache.put_data(key, story)
    return story


def page_context(story: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "story": story,
        "map_json": json.dumps(map_features(story), ensure_ascii=False),
        "valid_certificates": sum(1 for c in story["certificates"] if c["state"] == "valid"),
        "T": story_labels(),
        **extra,
    }
