"""The plan's survey forms for collection, processing and trading facilities (editable in the admin)."""

from django.db import migrations

COMMON = [
    {"name": "ten_co_so", "label": "Tên cơ sở", "type": "text", "required": True, "maps_to": "facility.name"},
    {
        "name": "ten_to_chuc",
        "label": "Tên hộ, HTX, doanh nghiệp",
        "type": "text",
        "required": True,
        "maps_to": "organization.name",
    },
    {"name": "ma_so_thue", "label": "Mã số thuế", "type": "text", "required": True, "maps_to": "organization.tax_code"},
    {
        "name": "loai_hinh",
        "label": "Loại hình",
        "type": "choice",
        "required": True,
        "maps_to": "organization.kind",
        "choices": [
            ["household", "Hộ sản xuất, kinh doanh"],
            ["cooperative", "Hợp tác xã"],
            ["enterprise", "Doanh nghiệp"],
        ],
    },
    {"name": "nguoi_dai_dien", "label": "Người đại diện", "type": "text", "maps_to": "organization.representative"},
    {"name": "dien_thoai", "label": "Điện thoại", "type": "text", "maps_to": "organization.phone"},
    {"name": "dia_chi", "label": "Số nhà, thôn, đường", "type": "text", "maps_to": "organization.street_address"},
    {"name": "ma_xa", "label": "Mã xã, phường", "type": "number", "maps_to": "organization.ward_code"},
    {"name": "san_pham", "label": "Sản phẩm chính", "type": "text", "required": True},
    {"name": "san_luong_nam", "label": "Sản lượng, khối lượng mỗi năm (tấn)", "type": "number"},
    {"name": "so_nha_cung_cap", "label": "Số hộ, cơ sở cung cấp nguyên liệu", "type": "number"},
    {
        "name": "ghi_chep_nguon_goc",
        "label": "Có ghi chép nguồn gốc đầu vào, đầu ra (một bước trước, một bước sau)",
        "type": "bool",
    },
    {"name": "dung_ma_vach", "label": "Đang dùng mã vạch, mã QR trên sản phẩm", "type": "bool"},
    {"name": "he_thong_truy_xuat", "label": "Đã dùng hệ thống truy xuất nguồn gốc", "type": "bool"},
    {"name": "chung_nhan", "label": "Chứng nhận đang có (VietGAP, hữu cơ, HACCP, OCOP…)", "type": "text"},
    {"name": "nhu_cau", "label": "Có nhu cầu tham gia cổng truy xuất của tỉnh", "type": "bool"},
    {"name": "ghi_chu", "label": "Ghi chú của cán bộ điều tra", "type": "text"},
]

FORMS = [
    ("thu-gom", "Phiếu điều tra cơ sở thu gom", "collection_point"),
    ("che-bien", "Phiếu điều tra cơ sở sơ chế, chế biến", "processing_plant"),
    ("kinh-doanh", "Phiếu điều tra cơ sở kinh doanh", "shop"),
]


def forwards(apps, schema_editor):
    SurveyForm = apps.get_model("surveys", "SurveyForm")
    for code, name, kind in FORMS:
        SurveyForm.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "facility_kind": kind,
                "fields": COMMON,
                "description": "Điều tra hiện trạng truy xuất nguồn gốc theo kế hoạch của tỉnh.",
            },
        )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
