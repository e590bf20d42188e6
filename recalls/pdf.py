"""The recall decision (QUYẾT ĐỊNH) and the public notice (THÔNG BÁO) as PDF, in the layout of Decree
30/2020/NĐ-CP (`reports.admin_document`: "UBND TỈNH …" and the agency, the national motto, "Số: 01/QĐ-…", place and
date, title and summary, body, signer with room for signature and seal, "Nơi nhận", page numbers from page 2,
Liberation Serif).

Numbers and signer were fixed when the recall started (`recalls.services.start_recall`); the date is the day it
started. Documents are always in Vietnamese. `decision_pdf(recall)` and `notice_pdf(recall)` return bytes.
"""

from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone, translation
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Paragraph, Spacer

from core.templatetags.numbers import qty
from recalls import display
from recalls.models import Recall
from recalls.services import default_notice
from reports.admin_document import (
    AdminDocument,
    Signer,
    cell_table,
    render,
    styles,
)
from reports.document_text import local_province, vn_upper

MAX_ROWS = 200  # lots listed in the table; the rest are counted and on the portal
# the laws a recall of food and agricultural products rests on (Law on Food Safety, Law on Product and Goods
# Quality, and the decree detailing the Law on Food Safety)
BASES = (
    "Căn cứ Luật An toàn thực phẩm ngày 17 tháng 6 năm 2010;",
    "Căn cứ Luật Chất lượng sản phẩm, hàng hóa ngày 21 tháng 11 năm 2007;",
    "Căn cứ Nghị định số 15/2018/NĐ-CP ngày 02 tháng 02 năm 2018 của Chính phủ quy định chi tiết thi hành một "
    "số điều của Luật An toàn thực phẩm;",
)


def _split_number(text: str) -> tuple[int | None, str]:
    """'01/QĐ-SKHCN' → (1, 'QĐ-SKHCN'); a recall from before numbering → (None, symbol for the clerk)."""
    head, _slash, symbol = text.partition("/")
    return (int(head) if head.strip().isdigit() else None), symbol


def _reason(recall: Recall) -> str:
    return recall.reason.strip().rstrip(".;:,… ").strip()


def _signer(recall: Recall) -> Signer:
    return Signer(
        title=recall.signer_title or "GIÁM ĐỐC", name=recall.signer_name, on_behalf_of=recall.signer_on_behalf_of
    )


def _authority(recall: Recall) -> str:
    """The head whose power the decision is taken under: 'GIÁM ĐỐC SỞ KHOA HỌC VÀ CÔNG NGHỆ' (a deputy signs
    'KT. GIÁM ĐỐC')."""
    head = re.sub(r"^(KT|TL|TM|Q)\.\s*", "", recall.signer_on_behalf_of or recall.signer_title or "GIÁM ĐỐC")
    return vn_upper(f"{head} {recall.issuer}".strip())


def _p(text: str, style: Any, bold_prefix: str = "") -> Paragraph:
    lead = f"<b>{escape(bold_prefix)}</b> " if bold_prefix else ""
    return Paragraph(lead + escape(text), style)


def _lots(recall: Recall) -> tuple[list[dict[str, Any]], int]:
    """The product lots of the scope (not the cartons or pallets that carried them), at most MAX_ROWS; the count."""
    items = [rl for rl in recall.lots.select_related("lot__product__organization") if rl.lot_id or rl.gtin]
    return display.lot_rows(items[:MAX_ROWS]), len(items)


def _lot_table(rows: list[dict[str, Any]]) -> Flowable:
    data: list[list[Any]] = [["TT", "Sản phẩm", "Số lô", "Tổ chức, cơ sở", "Số lượng"]]
    for i, r in enumerate(rows, 1):
        data.append([str(i), r["title"], r["code"], r["organization"] or "—", r["quantity"] or "—"])
    return cell_table(data, [1.0 * cm, 4.8 * cm, 2.6 * cm, 4.8 * cm, 2.8 * cm], numeric_from=4)


def _summary_subject(recall: Recall) -> str:
    """'sản phẩm Cà phê nhân Robusta, lô CP-01' when the roots are lots of one product, else a general subject."""
    roots = [rl.lot for rl in recall.lots.filter(depth=0, lot__isnull=False).select_related("lot__product")]
    products = {lot.product.name for lot in roots if lot is not None}
    if len(products) == 1:
        codes = sorted(lot.lot_code for lot in roots if lot is not None)
        more = f" và {len(codes) - 3} lô khác" if len(codes) > 3 else ""
        return f"sản phẩm {products.pop()}, lô {', '.join(codes[:3])}{more}"
    return "sản phẩm không bảo đảm an toàn"


def _basis_of_origin(recall: Recall) -> list[str]:
    lines = []
    test = recall.root_lab_test
    if test is not None:
        limit = (
            ""
            if test.limit is None
            else " (không được phép có)"
            if test.limit == 0
            else f" (giới hạn {qty(test.limit, test.unit)})"
        )
        lines.append(
            f"Căn cứ kết quả kiểm nghiệm chỉ tiêu {test.analyte.name} của mẫu lấy ngày "
            f"{test.sampled_on:%d/%m/%Y} tại {test.laboratory}: {qty(test.value, test.unit)}{limit};"
        )
    for case in recall.complaints.select_related("feedback").order_by("pk"):
        day = timezone.localtime(case.feedback.created_at).date()
        lines.append(f"Căn cứ phản ánh của người tiêu dùng số {case.feedback.tracking_code} ngày {day:%d/%m/%Y};")
    return lines


def _document(recall: Recall, title: str, number_text: str, summary: str, body: list[Flowable], to: list[str]) -> bytes:
    province, place = local_province()
    number, symbol = _split_number(number_text)
    doc = AdminDocument(
        province=province,
        agency=recall.issuer or "Sở Khoa học và Công nghệ",
        number=number,
        symbol=symbol or title[:2],
        place=place,
        date=timezone.localtime(recall.started_at).date(),
        title=title,
        summary=summary,
        body=body,
        signer=_signer(recall),
        recipients=to,
        keywords=(recall.code,),
    )
    return render(doc)


def decision_pdf(recall: Recall) -> bytes:
    """QUYẾT ĐỊNH về việc thu hồi: the legal bases, the lots (Điều 1), what the parties must do (Điều 2), effect."""
    with translation.override("vi"):
        s = styles()
        rows, total = _lots(recall)
        body: list[Flowable] = [_p(_authority(recall), s["center_bold"]), Spacer(1, 4)]
        body += [_p(line, s["basis"]) for line in (*BASES, *_basis_of_origin(recall))]
        body += [Spacer(1, 8), _p("QUYẾT ĐỊNH:", s["center_bold"]), Spacer(1, 2)]
        body.append(
            _p(
                f"Thu hồi {total} lô sản phẩm sau đây (đợt thu hồi {recall.code}), gồm các lô gốc và các lô được "
                "sản xuất, chế biến, đóng gói từ chúng theo dữ liệu truy xuất nguồn gốc:",
                s["body"],
                "Điều 1.",
            )
        )
        body += [Spacer(1, 4), _lot_table(rows)]
        if total > len(rows):
            body.append(_p(f"Và {total - len(rows)} lô khác, được công khai trên Cổng truy xuất nguồn gốc.", s["body"]))
        body.append(_p(f"Lý do thu hồi: {_reason(recall)}.", s["body"]))
        body.append(_p(f"Mức độ: {recall.get_hazard_class_display()}.", s["body"]))
        body.append(
            _p(
                "Các tổ chức, cơ sở có tên tại Điều 1 và các tổ chức, cá nhân đã nhận các lô hàng trên: ngừng "
                "sản xuất, kinh doanh, sử dụng; thu hồi toàn bộ sản phẩm thuộc các lô nêu trên; báo cáo số lượng "
                f"đã thu hồi trên Cổng truy xuất nguồn gốc (đợt thu hồi {recall.code}).",
                s["body"],
                "Điều 2.",
            )
        )
        body.append(
            _p(
                "Quyết định này có hiệu lực kể từ ngày ký. Các tổ chức, cá nhân có tên tại Điều 1 và Điều 2 "
                "chịu trách nhiệm thi hành Quyết định này./.",
                s["body"],
                "Điều 3.",
            )
        )
        to = ["Như Điều 3", "UBND tỉnh (để báo cáo)", "Cổng truy xuất nguồn gốc (để công khai)"]
        return _document(
            recall, "QUYẾT ĐỊNH", recall.decision_number, f"Về việc thu hồi {_summary_subject(recall)}", body, to
        )


def notice_pdf(recall: Recall) -> bytes:
    """THÔNG BÁO công khai: the decision, the consumers' notice, the lots, what consumers and sellers do."""
    with translation.override("vi"):
        s = styles()
        rows, total = _lots(recall)
        day = timezone.localtime(recall.started_at).date()
        decision = f"số {recall.decision_number} " if recall.decision_number else ""
        body: list[Flowable] = [
            _p(
                f"Ngày {day:%d/%m/%Y}, {recall.issuer or 'cơ quan quản lý'} đã ban hành Quyết định {decision}"
                f"về việc thu hồi {_summary_subject(recall)} (đợt thu hồi {recall.code}).",
                s["body"],
            ),
            _p(
                f"Lý do thu hồi: {_reason(recall)}. Mức độ: {recall.get_hazard_class_display()}.",
                s["body"],
            ),
            _p(f"Các lô sản phẩm bị thu hồi ({total} lô):", s["body"]),
            Spacer(1, 4),
            _lot_table(rows),
        ]
        if total > len(rows):
            body.append(_p(f"Và {total - len(rows)} lô khác, tra cứu trên Cổng truy xuất nguồn gốc.", s["body"]))
        if recall.notice.strip() != default_notice(recall.reason):  # the officer's own words to consumers
            body.append(_p(recall.notice, s["body"]))
        body.append(
            _p(
                "Người tiêu dùng không sử dụng sản phẩm thuộc các lô trên; mang trả nơi mua hoặc liên hệ cơ sở "
                "sản xuất để được hướng dẫn. Kiểm tra một sản phẩm bằng cách quét mã QR trên bao bì hoặc tra cứu "
                f"tại {settings.TRUYXUAT_PORTAL_URL}.",
                s["body"],
            )
        )
        body.append(
            _p(
                "Các cơ sở kinh doanh ngừng bán, tách riêng và trả lại các sản phẩm trên cho nơi cung cấp./.",
                s["body"],
            )
        )
        to = [
            "Các cơ quan báo chí, truyền thông",
            "Các tổ chức, cơ sở có sản phẩm bị thu hồi",
            "Cổng truy xuất nguồn gốc",
        ]
        return _document(recall, "THÔNG BÁO", recall.notice_number, f"Thu hồi {_summary_subject(recall)}", body, to)
