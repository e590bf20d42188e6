"""Reads of the news pages: what the public sees now, what the agency edits, a page rendered safely."""

from __future__ import annotations

import nh3
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from news.models import Article

TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "h2", "h3", "h4", "blockquote", "a", "code", "pre", "hr"}
ATTRIBUTES = {"a": {"href", "title"}}


def published() -> QuerySet[Article]:
    """Pages the public sees: published by now and not withdrawn."""
    return Article.objects.filter(withdrawn=False, publish_at__lte=timezone.now())


def render(body: str) -> SafeString:
    """Markdown to HTML, then an allow-list (nh3): no raw HTML, scripts, images or styles survive; links get
    rel="noopener noreferrer" and only http(s)/mailto schemes."""
    import markdown  # type: ignore[import-untyped]  # loaded on the first page rendered, not at start-up

    html = markdown.markdown(body, extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https", "mailto"})
    return mark_safe(clean)
