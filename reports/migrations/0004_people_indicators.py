"""The scheme's people targets computed from records (issue 25), no placeholder figures left.

Kon Tum's scheme: 50 % of commune food-safety officers and 50 % of agri-food businesses trained by 2025, 100 % by
2030; 2 then 6 enterprises under direct food-safety monitoring; at least 14 pilot models. The placeholder rows of
0002 (pilot models, trained officers, trained businesses: entered by hand) become computed ones with these targets.
"""

from django.db import migrations, models

SOURCE = "Đề án truy xuất nguồn gốc tỉnh Kon Tum"
PEOPLE = [
    (
        "trained-officers",
        "Tỷ lệ cán bộ quản lý cấp xã được tập huấn về truy xuất nguồn gốc",
        "officers_trained",
        "50",
        "%",
        "2025-12-31",
    ),
    (
        "trained-businesses",
        "Tỷ lệ doanh nghiệp, HTX được phổ biến, tập huấn về truy xuất nguồn gốc",
        "business_trained",
        "50",
        "%",
        "2025-12-31",
    ),
    (
        "trained-officers-2030",
        "Tỷ lệ cán bộ quản lý cấp xã được tập huấn về truy xuất nguồn gốc",
        "officers_trained",
        "100",
        "%",
        "2030-12-31",
    ),
    (
        "trained-businesses-2030",
        "Tỷ lệ doanh nghiệp, HTX được phổ biến, tập huấn về truy xuất nguồn gốc",
        "business_trained",
        "100",
        "%",
        "2030-12-31",
    ),
    ("pilot-models", "Số mô hình điểm áp dụng truy xuất nguồn gốc", "pilot_models", "14", "mô hình", "2025-12-31"),
    (
        "monitored-2025",
        "Số doanh nghiệp được giám sát trực tiếp về an toàn thực phẩm",
        "monitored",
        "2",
        "doanh nghiệp",
        "2025-12-31",
    ),
    (
        "monitored-2030",
        "Số doanh nghiệp được giám sát trực tiếp về an toàn thực phẩm",
        "monitored",
        "6",
        "doanh nghiệp",
        "2030-12-31",
    ),
]


def forwards(apps, schema_editor):
    Indicator = apps.get_model("reports", "Indicator")
    for order, (code, name, method, target, unit, deadline) in enumerate(PEOPLE, start=10):
        Indicator.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "method": method,
                "target": target,
                "unit": unit,
                "deadline": deadline,
                "source": SOURCE,
                "sort_order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_signers_and_numbers"),
    ]

    operations = [
        migrations.AlterField(
            model_name="indicator",
            name="method",
            field=models.CharField(
                choices=[
                    ("business_share", "Tỷ lệ doanh nghiệp, HTX dùng mã vạch gắn hệ thống truy xuất (%)"),
                    ("ocop_share", "Tỷ lệ sản phẩm OCOP được truy xuất (%)"),
                    ("priority_share", "Tỷ lệ sản phẩm nhóm ưu tiên 1 được truy xuất (%)"),
                    ("orgs_approved", "Số tổ chức tham gia đã được duyệt"),
                    ("lots_published", "Số lô đã công bố"),
                    ("officers_trained", "Tỷ lệ cán bộ xã, phường được tập huấn (%)"),
                    ("business_trained", "Tỷ lệ doanh nghiệp, HTX được tập huấn (%)"),
                    ("pilot_models", "Số mô hình điểm đang triển khai hoặc đã nghiệm thu"),
                    ("monitored", "Số doanh nghiệp được giám sát trực tiếp"),
                    ("manual", "Số liệu nhập tay"),
                ],
                max_length=16,
                verbose_name="cách tính",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
