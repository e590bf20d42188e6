"""FSMA 204: the sortable spreadsheet of a lot's chain, XLSX and CSV, with the KDE columns; FTL products only."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from exchange import fsma
from exchange.tests.chain import coffee_export


@pytest.fixture
def fruit_chain(db):
    return coffee_export(category="fruit")  # the same chain, with products on the Food Traceability List


def test_a_lots_chain_as_the_sortable_spreadsheet(fruit_chain, officer):
    c = fruit_chain
    sheet = fsma.for_lot(c.roasted.product.gtin, c.roasted.lot_code, officer)  # the province sees the whole chain
    ctes = [row[0] for row in sheet.rows]
    assert sorted(ctes) == ["Harvesting"] * 2 + ["Receiving"] * 2 + ["Shipping"] * 3 + ["Transformation"]
    assert sheet.left_out == 0
    by_cte = {row[0]: row for row in sheet.rows}
    harvest = next(r for r in sheet.rows if r[0] == "Harvesting" and r[1].endswith(c.harvests[0].lot_code))
    assert harvest[2] == "Cà phê nhân 1" and harvest[3:5] == ["1000.0", "KGM"] and "VT-51-DHA-0001" in harvest[12]
    transformation = by_cte["Transformation"]
    assert transformation[1] == f"{c.roasted.product.gtin}/{c.roasted.lot_code}"
    assert sorted(transformation[13].split("; ")) == sorted(f"{h.product.gtin}/{h.lot_code}" for h in c.harvests)
    book = load_workbook(io.BytesIO(fsma.to_xlsx(sheet)))
    ws = book.active
    assert [cell.value for cell in ws[1]] == list(fsma.COLUMNS) and ws.max_row == 9 and ws.auto_filter.ref
    rows = list(csv.reader(io.StringIO(fsma.to_csv(sheet).decode("utf-8-sig"))))
    assert rows[0] == list(fsma.COLUMNS) and len(rows) == 9


def test_products_off_the_food_traceability_list_are_left_out(officer):
    c = coffee_export()
    sheet = fsma.for_lot(c.roasted.product.gtin, c.roasted.lot_code, officer)
    assert sheet.rows == [] and sheet.left_out == 8
