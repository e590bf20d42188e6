"""The package an exporter hands to the EU Information System: GeoJSON, a PDF summary, the ledger proof bundle."""

from __future__ import annotations

import io
import json
import zipfile
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from catalog.choices import QuantityUnit
from core.numbers import format_number
from exchange.eudr.assess import CUTOFF, Assessment
from ledger.selectors import proof_bundle

if TYPE_CHECKING:
    from reportlab.platypus import Table

SUBJECTS = {"shipment": "Chuyến hàng / Shipment", "lot": "Lô hàng / Lot", "season": "Mùa vụ / Season's lots"}
LISTED = 100  # failing plots named in the PDF; checks.json names them all


def checks(a: Assessment) -> dict[str, Any]:
    """The checks as data (checks.json in the package, and the API's answer)."""
    return {
        a.subject.kind: a.subject.key,
        "operator": a.subject.operator.name,
        "ok": a.ok,
        "errors": a.errors,
        "commodity": a.commodity,
        "hs_code": a.hs_code,
        "quantities": {unit: str(q) for unit, q in a.quantities.items()},
        "net_mass_kg": str(a.net_mass_kg()) if a.net_mass_kg() is not None else None,
        "production_period": [a.period[0].isoformat(), a.period[1].isoformat()] if a.period else None,
        "deforestation_cutoff": CUTOFF.isoformat(),
        "forest_layer": a.forest_layer or None,
        "plots": [
            {
                "code": p.area.code,
                "name": p.area.name,
                "producer": p.area.organization.name,
                "declared_area_ha": str(p.area.declared_area_ha),
                "ok": p.ok,
                "problems": [{"code": x.code, "vi": x.vi, "en": x.en} for x in p.problems],
                "forest_overlap_ha": p.overlap_ha,
                "lots": [f"{lot.product.gtin}/{lot.lot_code}" for lot in p.lots],
            }
            for p in a.plots
        ],
        "failing_lots": [
            {"gtin": lot.product.gtin, "lot": lot.lot_code, "plot": area.code, "reasons": reasons}
            for lot, area, reasons in a.failing_lots()
        ],
    }


def summary_pdf(a: Assessment, reference: str = "") -> bytes:
    """A one-to-few-page summary in Vietnamese with English, on the project's fonts."""
    # ReportLab loads on the first summary, not at start-up
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from reports.admin_document import FONT, FONT_BOLD, register_fonts

    register_fonts()
    body = ParagraphStyle("b", fontName=FONT, fontSize=10.5, leading=13.5)
    head = ParagraphStyle("h", parent=body, fontName=FONT_BOLD, fontSize=14, leading=18)
    small = ParagraphStyle("s", parent=body, fontSize=9, leading=11)
    s = a.subject
    period = f"{a.period[0]:%d/%m/%Y} – {a.period[1]:%d/%m/%Y}" if a.period else "—"
    quantities = "; ".join(f"{format_number(q)} {QuantityUnit(unit).label}" for unit, q in a.quantities.items())
    mass = a.net_mass_kg()
    if mass is not None:
        quantities += f" (khối lượng tịnh / net mass {format_number(mass)} kg)"
    layer = a.forest_layer or "chưa cấu hình lớp rừng / no forest layer configured"
    rows = [
        ["Bên đưa hàng ra thị trường / Operator", s.operator.name],
        [SUBJECTS[s.kind], f"{s.label} ({s.key})"],
        ["Ngày / Date", f"{s.date:%d/%m/%Y}"],
        ["Mặt hàng, mã HS / Commodity, HS code", f"{a.commodity} — {a.hs_code}"],
        ["Khối lượng / Quantity", quantities],
        ["Thời gian sản xuất / Production period", period],
        ["Số thửa / Plots", str(len(a.plots))],
        ["Mốc phá rừng / Deforestation cut-off", f"{CUTOFF:%d/%m/%Y}"],
        ["Lớp rừng / Forest layer", layer],
        ["Số tham chiếu DDS / DDS reference", reference or "—"],
        ["Kết quả / Result", "Đạt / Passed" if a.ok else "Không đạt / Failed"],
    ]
    table = Table(
        [[Paragraph(escape(k), small), Paragraph(escape(v), body)] for k, v in rows], colWidths=[60 * mm, 110 * mm]
    )
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, "#999999"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story: list[Any] = [Paragraph("HỒ SƠ THẨM ĐỊNH EUDR / EUDR DUE-DILIGENCE SUMMARY", head), Spacer(1, 6), table]
    story += [Spacer(1, 10), Paragraph("Thửa đất theo chủ thửa / Plots by producer", head)]
    by_producer: dict[str, list[Any]] = {}
    for p in a.plots:
        by_producer.setdefault(p.area.organization.name, []).append(p)
    producer_rows = [["Chủ thửa / Producer", "Số thửa / Plots", "ha", "Không đạt / Failed"]] + [
        [name, str(len(ps)), f"{sum(p.area.declared_area_ha for p in ps):.2f}", str(sum(not p.ok for p in ps))]
        for name, ps in sorted(by_producer.items())
    ]
    story.append(_grid(producer_rows, [80 * mm, 30 * mm, 30 * mm, 30 * mm], FONT))
    failing = [p for p in a.plots if not p.ok]
    if failing:  # every plot is in plots.geojson; the summary names those that fail, with the reason
        story += [Spacer(1, 10), Paragraph("Thửa không đạt / Plots that fail", head)]
        rows = [["Mã / Code", "Chủ / Producer", "Lý do / Reasons"]]
        rows += [[p.area.code, p.area.organization.name, "; ".join(p.reasons())] for p in failing[:LISTED]]
        story.append(_grid([[Paragraph(escape(c), small) for c in r] for r in rows], [35 * mm, 45 * mm, 90 * mm], FONT))
        if len(failing) > LISTED:
            more = len(failing) - LISTED
            story.append(Paragraph(f"… {more} thửa nữa, xem checks.json / {more} more plots, see checks.json", small))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title="EUDR due diligence", author=s.operator.name).build(story)
    return out.getvalue()


def _grid(rows: list[list[Any]], widths: list[float], font: str) -> Table:
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, "#999999"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
            ]
        )
    )
    return table


def package(a: Assessment, reference: str = "") -> bytes:
    """The zip: plots.geojson, checks.json, summary.pdf and proof-bundle.json (the chain's ledger records)."""
    bundle = proof_bundle(a.ledger_refs(), subject={f"eudr_{a.subject.kind}": a.subject.key})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("plots.geojson", a.geojson())
        zf.writestr("checks.json", json.dumps(checks(a), ensure_ascii=False, indent=1))
        zf.writestr("summary.pdf", summary_pdf(a, reference))
        zf.writestr("proof-bundle.json", json.dumps(bundle, ensure_ascii=False))
    return out.getvalue()
