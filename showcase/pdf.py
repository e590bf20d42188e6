"""The showcase as a PDF catalogue for trade fairs, in Vietnamese or English (`catalogue_pdf(products, lang)`).

A4, the project's Liberation Serif (`reports.admin_document.register_fonts`), one block per product: photo, name,
OCOP stars, group, producer and commune, valid certificates, volume traced this season, the producer's story (cut),
shops, and the product's GS1 Digital Link as a QR code a buyer scans at the stand. Numbers follow the language
(`core.templatetags.numbers.qty`: "1.200 kg" / "1,200 kg").
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from catalog.models import Product
from core.templatetags.numbers import qty
from reports import admin_document as ad
from showcase.models import Photo, ShopLink
from showcase.selectors import Card, cards, season_year, story_of

MAX_PRODUCTS = 200
STORY_CHARS = 360
QR_SIZE = 26 * mm
PHOTO_SIZE = 30 * mm


def _styles() -> dict[str, ParagraphStyle]:
    ad.register_fonts()
    base = ParagraphStyle("base", fontName=ad.FONT, fontSize=10, leading=13)
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontName=ad.FONT_BOLD, fontSize=18, leading=22),
        "sub": ParagraphStyle("sub", parent=base, fontSize=11, textColor=colors.HexColor("#444444")),
        "name": ParagraphStyle("name", parent=base, fontName=ad.FONT_BOLD, fontSize=13, leading=16),
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=11.5),
    }


def _qr(link: str) -> Drawing:
    widget = QrCodeWidget(link, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(QR_SIZE, QR_SIZE, transform=[QR_SIZE / (x1 - x0), 0, 0, QR_SIZE / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def _photo(product: Product) -> Image | Spacer:
    field = product.image
    if not field:
        photos = list(Photo.objects.filter(organization_id=product.organization_id).order_by("created_at", "pk")[:1])
        field = photos[0].image if photos else None
    if not field:
        return Spacer(PHOTO_SIZE, PHOTO_SIZE)
    try:
        with field.open("rb") as handle:
            data = io.BytesIO(handle.read())
        image = Image(data)
    except (OSError, ValueError):  # a missing or unreadable file leaves the room empty
        return Spacer(PHOTO_SIZE, PHOTO_SIZE)
    scale = min(PHOTO_SIZE / image.imageWidth, PHOTO_SIZE / image.imageHeight)
    image.drawWidth, image.drawHeight = image.imageWidth * scale, image.imageHeight * scale
    return image


def _lines(card: Card, english: bool, season: int) -> list[str]:
    p = card.product
    org = p.organization
    category = (p.category.name_en or p.category.name) if english else p.category.name
    lines = [f"<b>{escape(p.name)}</b>"]
    if p.ocop_stars:
        lines.append(f"<b>{escape(_('OCOP %(n)s sao') % {'n': p.ocop_stars})}</b>")  # the font has no ★
    lines.append(escape(f"{_('Nhóm')}: {category}"))
    place = ", ".join(x for x in (org.ward_name, org.province_name) if x)
    lines.append(escape(f"{_('Cơ sở sản xuất')}: {org.name} — {place}"))
    if card.certificates:
        certs = ", ".join(f"{c.get_kind_display()} {c.number}" for c in card.certificates)
        lines.append(escape(f"{_('Chứng nhận còn hiệu lực')}: {certs}"))
    if card.volumes:
        volume = ", ".join(qty(total, unit) for total, unit in card.volumes)
        lines.append(escape(_("Sản lượng truy xuất năm %(year)s: %(volume)s") % {"year": season, "volume": volume}))
    story = story_of(org)
    if story:
        cut = story if len(story) <= STORY_CHARS else story[:STORY_CHARS].rsplit(" ", 1)[0] + "…"
        lines.append(f"<i>{escape(cut)}</i>")
    shops = list(ShopLink.objects.filter(organization=org).order_by("platform", "pk"))
    if shops:
        lines.append(escape(f"{_('Gian hàng')}: " + " · ".join(s.url for s in shops)))
    return lines


def catalogue_pdf(products: list[Product], lang: str, province: str) -> bytes:
    """The catalogue of `products` (at most 200) in `lang` ("vi" or "en")."""
    buffer = io.BytesIO()
    with translation.override(lang):
        english = lang == "en"
        st = _styles()
        season = season_year()
        title = _("Danh mục sản phẩm truy xuất nguồn gốc")
        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=15 * mm,
            rightMargin=15 * mm,
            topMargin=15 * mm,
            bottomMargin=15 * mm,
            title=title,
            author=province,
            lang=lang,
        )
        today = timezone.localdate().strftime("%d/%m/%Y")
        flow: list = [
            Paragraph(escape(title), st["title"]),
            Paragraph(escape(_("%(province)s · lập ngày %(day)s") % {"province": province, "day": today}), st["sub"]),
            Paragraph(escape(_("Quét mã QR để xem nguồn gốc từng lô trên cổng truy xuất.")), st["sub"]),
            Spacer(1, 6 * mm),
        ]
        width = A4[0] - 30 * mm
        for card in cards(products[:MAX_PRODUCTS]):
            text = [
                Paragraph(line, st["name"] if i == 0 else st["small"])
                for i, line in enumerate(_lines(card, english, season))
            ]
            row = Table(
                [[_photo(card.product), text, _qr(card.link)]],
                colWidths=[PHOTO_SIZE + 4 * mm, width - PHOTO_SIZE - QR_SIZE - 8 * mm, QR_SIZE + 4 * mm],
            )
            row.setStyle(
                TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.HexColor("#bbbbbb")),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                        ("TOPPADDING", (0, 0), (-1, -1), 6),
                    ]
                )
            )
            flow.append(KeepTogether([row]))
        if not products:
            flow.append(Paragraph(escape(_("Chưa có sản phẩm nào.")), st["base"]))
        if len(products) > MAX_PRODUCTS:
            flow.append(
                Paragraph(
                    escape(_("Và %(n)s sản phẩm khác trên cổng.") % {"n": len(products) - MAX_PRODUCTS}), st["base"]
                )
            )
        doc.build(flow)
    return buffer.getvalue()
