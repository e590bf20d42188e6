"""A folded search column on organisations, facilities, growing areas and products (issue 16: search that forgives),
filled for the rows that exist; `SearchTextMixin.save()` keeps it from then on."""

from typing import Any

from django.db import migrations, models
from vietnam_provinces import Province, ProvinceCode, Ward, WardCode

from catalog.folding import fold_all


def _ward(code: int | None) -> str:
    try:
        return Ward.from_code(WardCode(code)).name if code else ""
    except (KeyError, ValueError, LookupError):
        return ""


def _province(code: int | None) -> str:
    try:
        return Province.from_code(ProvinceCode(code)).name if code else ""
    except (KeyError, ValueError, LookupError):
        return ""


def _places(row: Any) -> list[str]:
    return [row.legacy_district, _ward(row.ward_code), _province(row.province_code)]


def fill(apps: Any, schema_editor: Any) -> None:
    get = apps.get_model
    for org in get("catalog", "Organization").objects.all().iterator():
        parts = [org.name, org.tax_code, org.street_address, org.department, *_places(org)]
        org.search_text = fold_all(parts)
        org.save(update_fields=["search_text"])
    for fac in get("catalog", "Facility").objects.all().iterator():
        fac.search_text = fold_all([fac.name, fac.street_address, *_places(fac)])
        fac.save(update_fields=["search_text"])
    for area in get("catalog", "GrowingArea").objects.all().iterator():
        area.search_text = fold_all([area.code, area.name, area.crop, _ward(area.ward_code)])
        area.save(update_fields=["search_text"])
    for product in get("catalog", "Product").objects.select_related("category").iterator():
        category = product.category
        product.search_text = fold_all([product.name, product.brand, category.name, category.name_en])
        product.save(update_fields=["search_text"])


def _field() -> models.CharField:
    return models.CharField(blank=True, default="", editable=False, max_length=1000, verbose_name="chuỗi tìm kiếm")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_organization_gs1_prefix_index"),
    ]

    operations = [
        migrations.AddField(model_name="facility", name="search_text", field=_field()),
        migrations.AddField(model_name="growingarea", name="search_text", field=_field()),
        migrations.AddField(model_name="organization", name="search_text", field=_field()),
        migrations.AddField(model_name="product", name="search_text", field=_field()),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
