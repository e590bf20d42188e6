"""Pre-fill the priority catalogue with the 14 product groups of the Kon Tum traceability plan."""

from django.db import migrations

GROUPS = [
    ("rice", "Lúa gạo", "Rice", "UT1", "medium"),
    ("vegetables", "Rau, củ, quả", "Vegetables", "UT1", "high"),
    ("ngoc-linh-ginseng", "Sâm Ngọc Linh", "Ngọc Linh ginseng", "UT1", "medium"),
    ("medicinal-herbs", "Dược liệu", "Medicinal herbs", "UT1", "medium"),
    ("cassava", "Sắn", "Cassava", "UT2", "low"),
    ("sugarcane", "Mía", "Sugarcane", "UT3", "low"),
    ("coffee", "Cà phê", "Coffee", "UT1", "medium"),
    ("rubber", "Cao su", "Rubber", "UT2", "low"),
    ("fruit", "Cây ăn quả", "Fruit", "UT1", "high"),
    ("macadamia", "Mắc ca", "Macadamia", "UT2", "medium"),
    ("pork", "Thịt lợn", "Pork", "UT1", "high"),
    ("chicken-eggs", "Gà và trứng gà", "Chicken and eggs", "UT2", "high"),
    ("timber", "Gỗ", "Timber", "UT3", "low"),
    ("ntfp", "Lâm sản ngoài gỗ", "Non-timber forest products", "UT3", "medium"),
]


def forwards(apps, schema_editor):
    PriorityCategory = apps.get_model("catalog", "PriorityCategory")
    for order, (code, name, name_en, group, risk) in enumerate(GROUPS, start=1):
        PriorityCategory.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "priority_group": group,
                "default_risk_class": risk,
                "sort_order": order,
            },
        )


def backwards(apps, schema_editor):
    apps.get_model("catalog", "PriorityCategory").objects.filter(code__in=[g[0] for g in GROUPS]).delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
