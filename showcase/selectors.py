"""Reads of the showcase: only what the public may see (products of approved organisations with a published lot),
their volume traced this season, valid certificates, the producer's story, photos and shops.

The season is the calendar year of the lots' production dates (`season_year`): what the province's reports call
"sản lượng truy xuất năm".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from vietnam_provinces import Ward, WardCode

from catalog.choices import LotStatus
from catalog.folding import terms
from catalog.models import Certificate, Lot, Organization, PriorityCategory, Product
from catalog.selectors import PUBLIC_LOT_STATUSES, digital_link, public_products
from showcase.models import Inquiry, Story


@dataclass
class Filters:
    category: str = ""
    stars: int | None = None
    ward: int | None = None
    q: str = ""

    @classmethod
    def parse(cls, params: dict[str, str]) -> Filters:
        """Lenient: a value that is not one of the choices is ignored, never an error."""
        stars = params.get("sao", "")
        ward = params.get("xa", "")
        return cls(
            category=params.get("nhom", "")[:40],
            stars=int(stars) if stars in {"3", "4", "5"} else None,
            ward=int(ward) if ward.isdigit() and len(ward) <= 6 else None,
            q=params.get("q", "")[:100].strip(),
        )

    def query(self) -> dict[str, str]:
        """The filters as the page's query parameters (for pagination and share links)."""
        pairs = {"nhom": self.category, "sao": str(self.stars or ""), "xa": str(self.ward or ""), "q": self.q}
        return {k: v for k, v in pairs.items() if v}


@dataclass
class Card:
    product: Product
    link: str
    volumes: list[tuple[Decimal, str]] = field(default_factory=list)
    certificates: list[Certificate] = field(default_factory=list)


def season_year(today: dt.date | None = None) -> int:
    return (today or timezone.localdate()).year


def showcase_products(filters: Filters | None = None) -> QuerySet[Product]:
    """Products of approved organisations with at least one published lot, filtered; OCOP stars first."""
    filters = filters or Filters()
    published = Lot.objects.filter(product=OuterRef("pk"), status=LotStatus.PUBLISHED)
    qs = public_products().filter(Exists(published))
    if filters.category:
        qs = qs.filter(category__code=filters.category)
    if filters.stars:
        qs = qs.filter(ocop_stars__gte=filters.stars)
    if filters.ward:
        qs = qs.filter(organization__ward_code=filters.ward)
    for term in terms(filters.q):
        qs = qs.filter(Q(search_text__contains=term) | Q(organization__search_text__contains=term))
    return qs.order_by("-ocop_stars", "name", "pk")


def cards(products: list[Product], today: dt.date | None = None) -> list[Card]:
    """One card per product, with its season's volume per unit and valid certificates: two queries for a page."""
    today = today or timezone.localdate()
    ids = [p.pk for p in products]
    volumes: dict[int, list[tuple[Decimal, str]]] = defaultdict(list)
    rows = (
        Lot.objects.filter(product_id__in=ids, status__in=PUBLIC_LOT_STATUSES, production_date__year=season_year(today))
        .values("product_id", "unit")
        .annotate(total=Sum("quantity"))
        .order_by("product_id", "unit")
    )
    for row in rows:
        volumes[row["product_id"]].append((row["total"], row["unit"]))
    certificates: dict[int, list[Certificate]] = defaultdict(list)
    valid = Certificate.objects.filter(
        organization_id__in={p.organization_id for p in products}, valid_from__lte=today, valid_to__gte=today
    ).order_by("kind", "pk")
    for cert in valid:
        for p in products:
            if p.organization_id == cert.organization_id and cert.product_id in (None, p.pk):
                certificates[p.pk].append(cert)
    return [
        Card(product=p, link=digital_link(p.gtin), volumes=volumes[p.pk], certificates=certificates[p.pk])
        for p in products
    ]


def showcased(gtin: str) -> Product | None:
    """One product of the showcase, or None if it is not public."""
    return showcase_products().filter(gtin=gtin).first()


def story_of(org: Organization) -> str:
    story = Story.objects.filter(organization=org).first()
    return str(story.text) if story is not None else ""


def categories() -> list[PriorityCategory]:
    """The groups that have a product in the showcase (for the filter)."""
    return list(PriorityCategory.objects.filter(products__in=showcase_products()).distinct().order_by("sort_order"))


def wards() -> list[tuple[int, str]]:
    """The communes of producers in the showcase (code, name), by name."""
    codes = set(
        showcase_products().exclude(organization__ward_code=None).values_list("organization__ward_code", flat=True)
    )
    named: list[tuple[int, str]] = []
    for code in codes:
        if code is None:
            continue
        try:
            named.append((code, Ward.from_code(WardCode(code)).name))
        except (KeyError, ValueError, LookupError):
            continue
    return sorted(named, key=lambda pair: pair[1])


def inquiries_of(org: Organization) -> QuerySet[Inquiry]:
    return Inquiry.objects.filter(organization=org).select_related("product").order_by("status", "-created_at", "-pk")
