"""Text folded for search: lower case, no accents, đ → d, punctuation as spaces (pure, no Django).

"Sâm Ngọc Linh" and "sam ngoc linh" fold to the same text, so a consumer who types without accents (as most phone
keyboards do) finds what was written with them. The same folding runs when a row is saved (its `search_text`
column) and on the query, so matching is a plain `LIKE` on lower-case ASCII that SQLite and PostgreSQL agree on.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ø": "o", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe"})
MAX_LENGTH = 1000


def fold(text: str) -> str:
    """`text` in lower case without diacritics, every run of non-alphanumerics one space."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_SPECIAL))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())


def fold_all(parts: Iterable[str | None]) -> str:
    """The folded, space-joined parts (empty ones skipped), cut to the column's length."""
    return " ".join(f for f in (fold(p or "") for p in parts) if f)[:MAX_LENGTH]


def terms(query: str, limit: int = 8) -> list[str]:
    """The distinct folded words of a query, longest first, at most `limit` of them."""
    words = dict.fromkeys(fold(query).split())
    return sorted(words, key=len, reverse=True)[:limit]
