"""Each flag kind's sentence (Vietnamese msgids, filled from the flag's facts in the reader's language), and how
to contest it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from analysis.choices import FlagKind
from core.numbers import format_number

NUMBERS = {
    "harvested",
    "ceiling",
    "ratio",
    "ha",
    "inputs",
    "outputs",
    "allowed",
    "had",
    "out",
    "km",
    "minutes",
    "value",
    "median",
    "z",
    "count",
}

SENTENCES = {
    FlagKind.AREA_YIELD: gettext_noop(
        "Vùng %(area)s (%(ha)s ha %(crop)s) đã thu hoạch %(harvested)s kg trong niên vụ %(season)s, gấp "
        "%(ratio)s lần mức tối đa hợp lý %(ceiling)s kg."
    ),
    FlagKind.PROCESSOR_BALANCE: gettext_noop(
        "%(process)s: %(count)s lần chế biến ra %(outputs)s kg thành phẩm từ %(inputs)s kg nguyên liệu "
        "(tỉ lệ %(ratio)s), nhiều hơn mức cho phép %(allowed)s kg."
    ),
    FlagKind.SHIPPED_STOCK: gettext_noop(
        "%(count)s lô đã xuất hoặc đưa vào chế biến %(out)s, nhiều hơn số đã có %(had)s."
    ),
    FlagKind.STAMP_TRAVEL: gettext_noop(
        "Tem số %(serial)s của %(product)s được quét ở %(place1)s và %(place2)s cách nhau %(minutes)s phút (%(km)s km)."
    ),
    FlagKind.STAMP_PLACES: gettext_noop("Tem số %(serial)s của %(product)s được quét ở %(count)s nơi: %(places)s."),
    FlagKind.STAMP_EXPIRED: gettext_noop(
        "Tem số %(serial)s của %(product)s được quét %(count)s lần sau hạn sử dụng %(expiry)s của lô, lần cuối "
        "ngày %(last)s."
    ),
    FlagKind.STAMP_UNISSUED: gettext_noop(
        "Số sê-ri %(serial)s của %(product)s chưa từng được cấp nhưng đã được quét %(count)s lần, lần đầu "
        "ngày %(first)s."
    ),
    FlagKind.DIARY_FAR: gettext_noop(
        "%(count)s nhật ký tháng %(month)s của vùng %(area)s ghi vị trí cách vùng trồng tới %(km)s km."
    ),
    FlagKind.BACKDATED: gettext_noop(
        "%(count)s nhật ký được nhập cùng lúc ngày %(recorded)s cho các ngày từ %(oldest)s."
    ),
    FlagKind.PHI_AFTER: gettext_noop(
        "Lần phun %(input)s ghi ngày %(sprayed)s (cách ly %(days)s ngày) được nhập ngày %(recorded)s, sau lần "
        "thu hoạch ngày %(harvested)s nằm trong thời gian cách ly."
    ),
    FlagKind.SENSOR_COPY: gettext_noop(
        "Các thiết bị %(devices)s gửi %(count)s số đo giống hệt nhau, từng phút, ngày %(date)s."
    ),
    FlagKind.LAB_OUTLIER: gettext_noop(
        "Kết quả %(analyte)s %(value)s %(unit)s khác thường so với %(count)s kết quả cùng chỉ tiêu (trung vị "
        "%(median)s, điểm z %(z)s)."
    ),
}

CONTEST = {
    "mass": gettext_noop(
        "Nếu số liệu đúng (mua thêm nguyên liệu, diện tích khai báo thiếu, năng suất cao thật), gửi giải trình kèm "
        "hoá đơn, biên bản cân hoặc bản đồ vùng trồng; cán bộ xem xét và bác bỏ cảnh báo nếu hợp lý."
    ),
    "stamp": gettext_noop(
        "Nếu tem được dán lại hợp lệ hoặc sản phẩm đi xa thật, gửi giải trình; nếu nghi tem giả, báo cơ quan "
        "quản lý và đề nghị cấp tem mới."
    ),
    "record": gettext_noop(
        "Nếu bản ghi đúng (nhập bù từ sổ giấy, GPS lệch, thiết bị đặt cùng chỗ), gửi giải trình; nếu ghi nhầm, "
        "sửa bản ghi đó: cảnh báo được xem lại ở lần phân tích sau."
    ),
}

GROUP = {
    FlagKind.AREA_YIELD: "mass",
    FlagKind.PROCESSOR_BALANCE: "mass",
    FlagKind.SHIPPED_STOCK: "mass",
    FlagKind.STAMP_TRAVEL: "stamp",
    FlagKind.STAMP_PLACES: "stamp",
    FlagKind.STAMP_EXPIRED: "stamp",
    FlagKind.STAMP_UNISSUED: "stamp",
}


def localised(facts: dict[str, Any]) -> dict[str, Any]:
    """Facts with their numbers written the reader's way ("45.000,5" in Vietnamese)."""
    locale = "en" if (get_language() or "vi").startswith("en") else "vi"
    return {k: format_number(v, locale=locale, places=2) if k in NUMBERS else v for k, v in facts.items()}


def sentence(kind: str, facts: dict[str, Any]) -> str:
    try:
        return _(SENTENCES[FlagKind(kind)]) % localised(facts)
    except (KeyError, ValueError, TypeError):
        return str(FlagKind(kind).label) if kind in FlagKind.values else kind


def how_to_contest(kind: str) -> str:
    return _(CONTEST[GROUP.get(FlagKind(kind), "record")])
