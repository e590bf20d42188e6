"""Pre-fill analytes, maximum levels and inspection checklists (configurable afterwards by the agencies).

Limits follow the Vietnamese regulations named in `regulation`; the province edits them in the workspace.
"""

from django.db import migrations

ANALYTES = [
    # code, name, group, default unit
    ("nitrate", "Nitrat (NO3-)", "nitrate", "mg/kg"),
    ("borax", "Hàn the (borat)", "preservative", "mg/kg"),
    ("formol", "Formol", "preservative", "mg/kg"),
    ("lead", "Chì (Pb)", "heavy_metal", "mg/kg"),
    ("cadmium", "Cadimi (Cd)", "heavy_metal", "mg/kg"),
    ("arsenic", "Asen (As)", "heavy_metal", "mg/kg"),
    ("chlorpyrifos", "Chlorpyrifos ethyl", "pesticide", "mg/kg"),
    ("cypermethrin", "Cypermethrin", "pesticide", "mg/kg"),
    ("carbendazim", "Carbendazim", "pesticide", "mg/kg"),
    ("organophosphate-rapid", "Lân hữu cơ và carbamat (test nhanh, % ức chế enzym)", "pesticide", "%"),
    ("salmonella", "Salmonella", "microbiology", "CFU/25g"),
    ("e-coli", "E. coli", "microbiology", "CFU/g"),
    ("ochratoxin-a", "Ochratoxin A", "mycotoxin", "µg/kg"),
    ("aflatoxin-b1", "Aflatoxin B1", "mycotoxin", "µg/kg"),
    ("salbutamol", "Salbutamol (chất cấm chăn nuôi)", "veterinary", "µg/kg"),
    ("saponin-mr2", "Majonosid R2 (sâm Ngọc Linh)", "active", "%"),
]

LEVELS = [
    # analyte, category code or None, limit, unit, regulation
    ("nitrate", "vegetables", "500", "mg/kg", "QĐ 99/2008/QĐ-BNN"),
    ("nitrate", "fruit", "300", "mg/kg", "QĐ 99/2008/QĐ-BNN"),
    ("borax", None, "0", "mg/kg", "TT 24/2019/TT-BYT (không được phép sử dụng)"),
    ("formol", None, "0", "mg/kg", "TT 24/2019/TT-BYT (không được phép sử dụng)"),
    ("lead", "vegetables", "0.3", "mg/kg", "QCVN 8-2:2011/BYT"),
    ("lead", "pork", "0.1", "mg/kg", "QCVN 8-2:2011/BYT"),
    ("lead", None, "0.2", "mg/kg", "QCVN 8-2:2011/BYT"),
    ("cadmium", "vegetables", "0.2", "mg/kg", "QCVN 8-2:2011/BYT"),
    ("cadmium", None, "0.1", "mg/kg", "QCVN 8-2:2011/BYT"),
    ("arsenic", "rice", "0.2", "mg/kg", "QCVN 8-2:2011/BYT"),
    ("chlorpyrifos", "coffee", "0.05", "mg/kg", "TT 50/2016/TT-BYT"),
    ("chlorpyrifos", "vegetables", "0.5", "mg/kg", "TT 50/2016/TT-BYT"),
    ("cypermethrin", "coffee", "0.05", "mg/kg", "TT 50/2016/TT-BYT"),
    ("cypermethrin", "vegetables", "0.7", "mg/kg", "TT 50/2016/TT-BYT"),
    ("carbendazim", "fruit", "0.5", "mg/kg", "TT 50/2016/TT-BYT"),
    ("organophosphate-rapid", None, "50", "%", "TCVN 5142:2008 (test nhanh, ngưỡng ức chế enzym)"),
    ("salmonella", None, "0", "CFU/25g", "QCVN 8-3:2012/BYT (không phát hiện)"),
    ("e-coli", "pork", "100", "CFU/g", "QCVN 8-3:2012/BYT"),
    ("ochratoxin-a", "coffee", "5", "µg/kg", "QCVN 8-1:2011/BYT"),
    ("aflatoxin-b1", "macadamia", "2", "µg/kg", "QCVN 8-1:2011/BYT"),
    ("salbutamol", None, "0", "µg/kg", "TT 01/2016/TT-BNNPTNT (chất cấm)"),
]

CHECKLISTS = [
    (
        "Cơ sở trồng trọt (VietGAP)",
        "farm",
        [
            "Mã số vùng trồng còn hiệu lực, ranh giới đúng khai báo",
            "Nhật ký sản xuất ghi đầy đủ, cập nhật",
            "Thuốc BVTV trong danh mục được phép, đúng thời gian cách ly",
            "Kho phân bón, thuốc BVTV riêng biệt, có khoá",
            "Nguồn nước tưới không ô nhiễm",
            "Sản phẩm có tem, mã truy xuất theo lô",
        ],
    ),
    (
        "Cơ sở thu gom, sơ chế, chế biến",
        "",
        [
            "Giấy chứng nhận đủ điều kiện ATTP còn hiệu lực",
            "Hồ sơ nguồn gốc nguyên liệu (một bước trước)",
            "Hồ sơ xuất hàng (một bước sau)",
            "Khu vực sơ chế, chế biến đảm bảo vệ sinh",
            "Người lao động được tập huấn, khám sức khoẻ",
            "Ghi nhãn, mã truy xuất đúng quy định",
        ],
    ),
    (
        "Cơ sở giết mổ, kinh doanh thịt",
        "slaughterhouse",
        [
            "Động vật có giấy chứng nhận kiểm dịch",
            "Dấu kiểm soát giết mổ, tem vệ sinh thú y",
            "Khu giết mổ tách biệt khu sạch, khu bẩn",
            "Hồ sơ truy xuất lô giết mổ",
        ],
    ),
]


def forwards(apps, schema_editor):
    Analyte = apps.get_model("quality", "Analyte")
    MaxLevel = apps.get_model("quality", "MaxLevel")
    ChecklistTemplate = apps.get_model("quality", "ChecklistTemplate")
    PriorityCategory = apps.get_model("catalog", "PriorityCategory")
    for code, name, group, unit in ANALYTES:
        Analyte.objects.update_or_create(code=code, defaults={"name": name, "group": group, "default_unit": unit})
    for code, category, limit, unit, regulation in LEVELS:
        cat = PriorityCategory.objects.filter(code=category).first() if category else None
        if category and cat is None:
            continue
        MaxLevel.objects.update_or_create(
            analyte=Analyte.objects.get(code=code),
            category=cat,
            defaults={"limit": limit, "unit": unit, "regulation": regulation},
        )
    for name, kind, items in CHECKLISTS:
        ChecklistTemplate.objects.update_or_create(name=name, defaults={"facility_kind": kind, "items": items})


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_initial"), ("catalog", "0002_priority_catalogue")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
