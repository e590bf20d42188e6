"""Who may read a news page's image (see core.files): everyone once the page is public, officers before."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from accounts import permissions
from core import files
from news.models import Article


def is_public(article: Article) -> bool:
    return not article.withdrawn and article.publish_at is not None and article.publish_at <= timezone.now()


def can_read(user: Any, article: Article) -> bool:
    return is_public(article) or permissions.is_agency_officer(user)


files.register("news.article", "image", can_read=can_read, is_public=is_public)
