"""The lessons: a few screens each (a picture, one or two short sentences read aloud) and a tiny quiz.

Text is Vietnamese first (what is voiced); the audio of each screen is `static/guidance/audio/<lesson>-<n>.ogg`,
made by `truyxuat guidance_audio` with espeak-ng, and replaceable by a real recording under the same name.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Question:
    text: str
    choices: tuple[str, ...]
    answer: int  # index into choices


@dataclass(frozen=True)
class Lesson:
    slug: str
    role: str
    title: str
    screens: tuple[tuple[str, str], ...]  # (picture file under static/guidance/img/, text)
    quiz: tuple[Question, ...]

    def audio(self, n: int) -> str:
        return f"guidance/audio/{self.slug}-{n}.ogg"


ROLES = (
    ("farmer", _("Nông dân")),
    ("cooperative", _("Chủ hợp tác xã")),
    ("officer", _("Cán bộ quản lý")),
    ("consumer", _("Người mua hàng")),
)

LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "nhat-ky",
        "farmer",
        "Ghi nhật ký trong ba chạm",
        (
            ("diary-1.svg", "Chạm một: mở Nhật ký, chọn lô đất đang làm."),
            ("diary-2.svg", "Chạm hai: chọn việc vừa làm, ví dụ bón phân hay phun thuốc."),
            ("diary-3.svg", "Chạm ba: bấm Lưu. Không có mạng thì máy giữ lại và tự gửi khi có mạng."),
        ),
        (
            Question("Không có mạng thì nhật ký thế nào?", ("Bị mất", "Máy giữ lại, tự gửi sau"), 1),
            Question("Chạm thứ hai là gì?", ("Chọn việc vừa làm", "Gọi điện cho cán bộ"), 0),
        ),
    ),
    Lesson(
        "thu-hoach",
        "farmer",
        "Ghi thu hoạch",
        (
            ("harvest-1.svg", "Khi thu hoạch, mở mục Thu hoạch và chọn lô đất."),
            ("harvest-2.svg", "Nhập số lượng, ví dụ một nghìn hai trăm ki lô gam. Máy tạo mã lô cho bạn."),
        ),
        (Question("Thu hoạch xong, máy tạo gì?", ("Mã lô", "Hoá đơn"), 0),),
    ),
    Lesson(
        "tem-nhan",
        "farmer",
        "In tem, dán nhãn",
        (
            ("label-1.svg", "Mỗi lô có một mã QR. In tem và dán lên bao, thùng hàng."),
            ("label-2.svg", "Người mua quét mã sẽ thấy hàng từ vườn nào, làm những việc gì."),
        ),
        (Question("Người mua quét mã QR để làm gì?", ("Xem nguồn gốc hàng", "Trả tiền"), 0),),
    ),
    Lesson(
        "thanh-vien-htx",
        "cooperative",
        "Thành viên, gửi duyệt và tem",
        (
            ("group-1.svg", "Chủ hợp tác xã thêm thành viên để mỗi hộ tự ghi nhật ký."),
            ("review-1.svg", "Xem lại lô hàng rồi bấm Gửi duyệt để cơ quan quản lý kiểm tra."),
            ("label-1.svg", "Khi lô được công bố, đặt tem có mã kiểm tra chống hàng giả."),
        ),
        (Question("Ai thêm thành viên vào hợp tác xã?", ("Chủ hợp tác xã", "Người mua"), 0),),
    ),
    Lesson(
        "phe-duyet",
        "officer",
        "Phê duyệt, thu hồi, báo cáo",
        (
            ("review-1.svg", "Cán bộ xem hàng chờ phê duyệt, kiểm tra nhật ký và kết quả kiểm nghiệm."),
            ("recall-1.svg", "Khi có nguy cơ, mở thu hồi: hệ thống tìm các lô liên quan."),
            ("report-1.svg", "Báo cáo quý được lập tự động, có chỉ tiêu tập huấn và mô hình điểm."),
        ),
        (Question("Thu hồi một lô thì hệ thống làm gì?", ("Tìm các lô liên quan", "Xoá dữ liệu"), 0),),
    ),
    Lesson(
        "doc-nhan",
        "consumer",
        "Đọc nhãn truy xuất",
        (
            ("scan-1.svg", "Dùng camera điện thoại quét mã QR trên sản phẩm."),
            ("label-2.svg", "Trang hiện ra cho biết nơi trồng, ngày thu hoạch, chứng nhận và cảnh báo thu hồi nếu có."),
        ),
        (Question("Trang truy xuất cho biết gì?", ("Nơi trồng, ngày thu hoạch", "Giá bán lẻ"), 0),),
    ),
)

BY_SLUG = {lesson.slug: lesson for lesson in LESSONS}
