"""The datasets: which published records, which fields (never personal data), their record time for cursors.

Each dataset is a queryset of published records only, the fields it exports with their Frictionless Table Schema
type and description, and the column that gives the record time (the cursor orders by it, then by id).
Organisations go out without representative, phone or e-mail; lots only once published; no draft, pending,
suspended or rejected record, no consumer or complaint data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, QuerySet

from catalog.choices import OrganizationStatus
from catalog.models import Certificate
from catalog.selectors import public_organizations, public_products, published_lots

Field = tuple[str, str, str]  # name, Frictionless type, description


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    fields: tuple[Field, ...]
    time: str  # the record-time column of the queryset, for cursors
    rows: Callable[[], QuerySet[Any]]
    values: tuple[str, ...]  # the queryset's value paths, in the order of `fields`

    def records(
        self,
        since: tuple[dt.datetime, int] | None = None,
        limit: int | None = None,
        window: tuple[dt.datetime | None, dt.datetime] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Rows as dicts of the fields (plus `_time` and `_id` for the cursor), oldest record time first; after the
        cursor `since`, or with a record time in `window` (after its start, up to and including its end)."""
        qs = self.rows()
        if window is not None:
            start, end = window
            qs = qs.filter(**{f"{self.time}__lte": end})
            if start is not None:
                qs = qs.filter(**{f"{self.time}__gt": start})
        if since is not None:
            t, pk = since
            qs = qs.filter(**{f"{self.time}__gt": t}) | qs.filter(**{self.time: t, "pk__gt": pk})
        qs = qs.order_by(self.time, "pk").values_list(*self.values, self.time, "pk")
        if limit is not None:
            qs = qs[:limit]
        names = [f[0] for f in self.fields]
        for row in qs.iterator(chunk_size=5000):
            item = dict(zip(names, row[:-2], strict=True))
            item["_time"], item["_id"] = row[-2], row[-1]
            yield item


def _organizations() -> QuerySet[Any]:
    return public_organizations()


def _products() -> QuerySet[Any]:
    return public_products()


def _lots() -> QuerySet[Any]:
    return published_lots().filter(published_at__isnull=False).order_by()


def _certificates() -> QuerySet[Any]:
    return Certificate.objects.filter(organization__status=OrganizationStatus.APPROVED)


def _recalls() -> QuerySet[Any]:
    from django.apps import apps

    return apps.get_model("recalls", "Recall").objects.all()


DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset(
            "organizations",
            "Tổ chức sản xuất, kinh doanh đã được duyệt / Approved producers and traders",
            (
                ("tax_code", "string", "Mã số thuế / tax code"),
                ("name", "string", "Tên / name"),
                ("kind", "string", "Loại hình / kind"),
                ("gln", "string", "GLN (GS1)"),
                ("province_code", "integer", "Mã tỉnh / province code"),
                ("ward_code", "integer", "Mã xã, phường / ward code"),
                ("street_address", "string", "Địa chỉ / street address"),
                ("updated_at", "datetime", "Cập nhật lúc / last change"),
            ),
            "updated_at",
            _organizations,
            ("tax_code", "name", "kind", "gln", "province_code", "ward_code", "street_address", "updated_at"),
        ),
        Dataset(
            "products",
            "Sản phẩm / Products",
            (
                ("gtin", "string", "GTIN-14"),
                ("name", "string", "Tên sản phẩm / name"),
                ("brand", "string", "Nhãn hiệu / brand"),
                ("category", "string", "Nhóm sản phẩm / category code"),
                ("producer_tax_code", "string", "Mã số thuế bên sản xuất / producer's tax code"),
                ("updated_at", "datetime", "Cập nhật lúc / last change"),
            ),
            "updated_at",
            _products,
            ("gtin", "name", "brand", "category__code", "organization__tax_code", "updated_at"),
        ),
        Dataset(
            "lots",
            "Lô hàng đã công bố / Published lots",
            (
                ("gtin", "string", "GTIN-14"),
                ("lot_code", "string", "Số lô / lot code"),
                ("production_date", "date", "Ngày sản xuất / production date"),
                ("expiry_date", "date", "Hạn sử dụng / expiry date"),
                ("quantity", "number", "Số lượng / quantity"),
                ("unit", "string", "Đơn vị (UN/CEFACT) / unit code"),
                ("status", "string", "published hoặc recalled"),
                ("category", "string", "Nhóm sản phẩm / category code"),
                ("ward_code", "integer", "Mã xã, phường của bên sản xuất / producer's ward code"),
                ("published_at", "datetime", "Công bố lúc / published at"),
            ),
            "published_at",
            _lots,
            (
                "product__gtin",
                "lot_code",
                "production_date",
                "expiry_date",
                "quantity",
                "unit",
                "status",
                "product__category__code",
                "product__organization__ward_code",
                "published_at",
            ),
        ),
        Dataset(
            "certificates",
            "Chứng nhận / Certificates",
            (
                ("kind", "string", "Loại / kind"),
                ("number", "string", "Số / number"),
                ("issuer", "string", "Tổ chức cấp / issuer"),
                ("valid_from", "date", "Hiệu lực từ / valid from"),
                ("valid_to", "date", "Hiệu lực đến / valid to"),
                ("organization_tax_code", "string", "Mã số thuế / tax code"),
                ("updated_at", "datetime", "Cập nhật lúc / last change"),
            ),
            "updated_at",
            _certificates,
            ("kind", "number", "issuer", "valid_from", "valid_to", "organization__tax_code", "updated_at"),
        ),
        Dataset(
            "recalls",
            "Thu hồi / Recalls",
            (
                ("code", "string", "Số hiệu / code"),
                ("organization_tax_code", "string", "Mã số thuế / tax code"),
                ("hazard_class", "string", "Mức độ (I, II, III) / hazard class"),
                ("notice", "string", "Thông báo / public notice"),
                ("status", "string", "open hoặc closed"),
                ("started_at", "datetime", "Bắt đầu / started"),
            ),
            "started_at",
            _recalls,
            ("code", "organization__tax_code", "hazard_class", "notice", "status", "started_at"),
        ),
    )
}

STATS_FIELDS: tuple[Field, ...] = (
    ("ward_code", "integer", "Mã xã, phường / ward code"),
    ("category", "string", "Nhóm sản phẩm / category code"),
    ("published_lots", "integer", "Số lô đã công bố / published lots"),
    ("last_published_at", "datetime", "Lần công bố gần nhất / last publication"),
)


def stats_rows() -> list[dict[str, Any]]:
    """Published lots per commune (the producer's ward) and category: the aggregate statistics dataset."""
    qs = (
        _lots()
        .values("product__organization__ward_code", "product__category__code")
        .annotate(n=Count("id"), last=Max("published_at"))
        .order_by("product__organization__ward_code", "product__category__code")
    )
    return [
        {
            "ward_code": r["product__organization__ward_code"],
            "category": r["product__category__code"],
            "published_lots": r["n"],
            "last_published_at": r["last"],
        }
        for r in qs
    ]
