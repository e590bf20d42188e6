"""An attendance certificate (A5 landscape PDF, reportlab as the periodic reports): who, which class, when and
where, and a QR of the public page that verifies it (only a standing attendance verifies)."""

from __future__ import annotations

import io

from django.conf import settings
from django.urls import reverse
from reportlab.lib.pagesizes import A5, landscape
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas

from reports import admin_document as ad
from reports.document_text import vn_upper
from stamps import qr
from training.models import Attendance


def verify_url(attendance: Attendance) -> str:
    return settings.TRUYXUAT_PORTAL_URL + reverse("training:verify", args=[attendance.code])


def render(attendance: Attendance, agency_name: str) -> bytes:
    ad.register_fonts()
    course, person = attendance.course, attendance.attendee
    buffer = io.BytesIO()
    width, height = landscape(A5)
    pdf = Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"Giấy chứng nhận tham dự tập huấn — {person.full_name}")
    pdf.setLineWidth(2)
    pdf.setStrokeColorRGB(0.105, 0.42, 0.227)
    pdf.rect(0.8 * cm, 0.8 * cm, width - 1.6 * cm, height - 1.6 * cm)
    pdf.setFont(ad.FONT_BOLD, 11)
    pdf.drawCentredString(width / 2, height - 2 * cm, vn_upper(agency_name or "Cơ quan quản lý"))
    pdf.setFont(ad.FONT_BOLD, 20)
    pdf.drawCentredString(width / 2, height - 3.4 * cm, "GIẤY CHỨNG NHẬN THAM DỰ TẬP HUẤN")
    pdf.setFont(ad.FONT, 13)
    pdf.drawCentredString(width / 2, height - 4.6 * cm, "Chứng nhận ông/bà")
    pdf.setFont(ad.FONT_BOLD, 17)
    pdf.drawCentredString(width / 2, height - 5.6 * cm, person.full_name)
    pdf.setFont(ad.FONT, 12)
    lines = []
    if person.organization_id:
        lines.append(f"Đơn vị: {person.organization.name}")  # type: ignore[union-attr]
    lines += [
        f"đã tham dự lớp tập huấn: {course.topic}",
        f"ngày {course.held_on:%d/%m/%Y} tại {course.place}; giảng viên: {course.trainer}",
    ]
    y = height - 6.7 * cm
    for line in lines:
        pdf.drawCentredString(width / 2 - 1.5 * cm, y, line[:95])
        y -= 0.65 * cm
    url = verify_url(attendance)
    size = 3.2 * cm
    modules, runs = qr.runs(url)  # segno's matrix, as the label PDFs draw it; a quiet zone of 4 modules
    unit = size / (modules + 8)
    left, top = width - 1.3 * cm - size + 4 * unit, 1.3 * cm + size - 4 * unit
    pdf.setFillColorRGB(0, 0, 0)
    for row, column, length in runs:
        pdf.rect(left + column * unit, top - (row + 1) * unit, length * unit, unit, stroke=0, fill=1)
    pdf.setFont(ad.FONT, 8)
    pdf.drawRightString(width - 1.3 * cm, 1.1 * cm, "Quét mã để kiểm tra giấy chứng nhận")
    pdf.drawString(1.3 * cm, 1.1 * cm, f"Số: {attendance.pk:06d}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
