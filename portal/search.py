"""The consumer's search: forgiving about accents and case, and about codes (GTIN, tax code, lot code).

Every word of the query (folded by `catalog.folding`: "Sâm Ngọc Linh" = "sam ngoc linh", "đ" = "d") must appear
in one of the texts that describe a result: a product (name, brand, category), its producer (name, tax code,
address, ward, province), an origin growing area (code, name, crop, ward) or a facility, or the lot code. The
texts are the rows' stored `search_text` columns, matched with `LIKE` on lower-case ASCII, so SQLite and
PostgreSQL answer the same. Digits alone are also read as a GTIN (8, 12, 13 or 14 digits) and as a tax code
(10 digits, or 13 for a branch); both readings are tried.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from catalog import selectors as catalog
from catalog.folding import fold, terms
from catalog.models import Facility, GrowingArea, Lot, Organization, Product

SUGGESTIONS = 5


@dataclass
class Results:
    query: str
    organizations: QuerySet[Organization]
    products: QuerySet[Product]
    lots: QuerySet[Lot]
    words: list[str] = field(default_factory=list)
    suggestions: list[Product] = field(default_factory=list)


def _code_filters(query: str) -> tuple[Q, Q, Q] | None:
    """Filters for a query made of digits (and a branch dash): products, organisations, lots; None otherwise."""
    compact = query.replace(" ", "").replace(".", "")
    digits = compact.replace("-", "")
    if not digits.isdigit() or len(digits) < 8:
        return None
    product_q, org_q = Q(pk__in=[]), Q(pk__in=[])
    if len(digits) in (8, 12, 13, 14) and "-" not in compact:
        product_q |= Q(gtin=digits.zfill(14))
    if len(digits) in (10, 13):
        tax_code = digits if len(digits) == 10 else f"{digits[:10]}-{digits[10:]}"
        org_q |= Q(tax_code=tax_code)
    elif len(digits) < 10:
        org_q |= Q(tax_code__startswith=digits)
    lot_q = Q(product__in=Product.objects.filter(product_q)) | Q(
        product__organization__in=Organization.objects.filter(org_q)
    )
    return product_q | Q(organization__in=Organization.objects.filter(org_q)), org_q, lot_q


def _has(column: str, word: str) -> Q:
    return Q(**{f"{column}__contains": word})


def _organization_q(word: str, prefix: str = "") -> Q:
    """The organisation's own text or one of its facilities'."""
    facility = Facility.objects.filter(organization=OuterRef(f"{prefix}pk"), search_text__contains=word)
    return _has(f"{prefix}search_text", word) | Q(Exists(facility))


def _product_q(word: str, prefix: str = "") -> Q:
    return _has(f"{prefix}search_text", word) | _organization_q(word, f"{prefix}organization__")


def _lot_q(word: str) -> Q:
    areas = GrowingArea.objects.filter(lots=OuterRef("pk"), search_text__contains=word)
    return Q(lot_code__icontains=word) | _product_q(word, "product__") | Q(Exists(areas))


def _phrase_first(qs: QuerySet, column: str, phrase: str) -> QuerySet:  # type: ignore[type-arg]
    """Rows whose text holds the whole phrase come before rows that only hold its words."""
    rank = Case(When(**{f"{column}__contains": phrase}, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.annotate(phrase_rank=rank).order_by("phrase_rank", *qs.query.order_by or qs.model._meta.ordering)


def search(query: str) -> Results:
    """Published products, approved organisations and public lots matching `query` (all empty for no words)."""
    products = catalog.public_products()
    organizations = catalog.public_organizations()
    lots = catalog.published_lots()
    words = terms(query)
    if not words:
        return Results(query, organizations.none(), products.none(), lots.none())
    codes = _code_filters(query.strip())
    text_products = reduce(and_, (_product_q(w) for w in words))
    text_orgs = reduce(and_, (_organization_q(w) for w in words))
    text_lots = reduce(and_, (_lot_q(w) for w in words))
    if codes is not None:
        product_q, org_q, lot_q = codes
        text_products, text_orgs, text_lots = text_products | product_q, text_orgs | org_q, text_lots | lot_q
    phrase = fold(query)
    results = Results(
        query,
        _phrase_first(organizations.filter(text_orgs), "search_text", phrase),
        _phrase_first(products.filter(text_products), "search_text", phrase),
        _phrase_first(lots.filter(text_lots), "product__search_text", phrase),
        words,
    )
    if not results.products.exists() and not results.lots.exists() and not results.organizations.exists():
        results.suggestions = suggestions(words)
    return results


def suggestions(words: list[str]) -> list[Product]:
    """For an empty result: products that match at least one of the longer words (a typo in one word)."""
    useful = [w for w in words if len(w) >= 3]
    if not useful:
        return []
    any_word = reduce(or_, (_product_q(w) for w in useful))
    return list(catalog.public_products().filter(any_word).order_by("name")[:SUGGESTIONS])
