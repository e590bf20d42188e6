"""The provincial traceability plan's targets as indicators (editable by the agencies afterwards).

The first two targets and deadlines come from the plan (≥ 30 % of businesses using barcodes with a traceability
system by 2025; 100 % of OCOP products traced by 2030); the pilot-model and training targets are the plan's
kinds of target with placeholder figures the standards office sets in the admin.
"""

from django.db import migrations

INDICATORS = [
    (
        "business-share-2025",
        "Tỷ lệ doanh nghiệp, HTX sử dụng mã vạch gắn với hệ thống truy xuất nguồn gốc",
        "business_share",
        "30",
        "%",
        "2025-12-31",
        "Kế hoạch truy xuất nguồn gốc của tỉnh (QĐ 100/QĐ-TTg)",
    ),
    (
        "ocop-share-2030",
        "Tỷ lệ sản phẩm OCOP được truy xuất nguồn gốc",
        "ocop_share",
        "100",
        "%",
        "2030-12-31",
        "Kế hoạch truy xuất nguồn gốc của tỉnh",
    ),
    (
        "priority-share-2030",
        "Tỷ lệ sản phẩm nhóm ưu tiên 1 được truy xuất nguồn gốc",
        "priority_share",
        "100",
        "%",
        "2030-12-31",
        "Kế hoạch truy xuất nguồn gốc của tỉnh",
    ),
    (
        "pilot-models",
        "Số mô hình điểm áp dụng truy xuất nguồn gốc",
        "manual",
        "5",
        "mô hình",
        "2025-12-31",
        "Kế hoạch truy xuất nguồn gốc của tỉnh",
    ),
    (
        "trained-officers",
        "Số lượt cán bộ quản lý được tập huấn về truy xuất nguồn gốc",
        "manual",
        "100",
        "lượt",
        "2025-12-31",
        "Kế hoạch truy xuất nguồn gốc của tỉnh",
    ),
    (
        "trained-businesses",
        "Số lượt doanh nghiệp, HTX, hộ sản xuất được tập huấn",
        "manual",
        "500",
        "lượt",
        "2025-12-31",
        "Kế hoạch truy xuất nguồn gốc của tỉnh",
    ),
]


def forwards(apps, schema_editor):
    Indicator = apps.get_model("reports", "Indicator")
    for order, (code, name, method, target, unit, deadline, source) in enumerate(INDICATORS, start=1):
        Indicator.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "method": method,
                "target": target,
                "unit": unit,
                "deadline": deadline,
                "source": source,
                "sort_order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
