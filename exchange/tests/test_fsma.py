"""FSMA 204: the sortable spreadsheet of a lot's chain, XLSX (the FDA template's tabs and headings, verbatim) and CSV
(one table with the CFR's KDE names); FTL products only."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from exchange import fsma
from exchange.fsma_template import TABS
from exchange.tests.chain import coffee_export

LOC = (
    "Business Name",
    "Phone Number",
    "Street Address or Geographic Coordinates",
    "City",
    "State or Region",
    "ZIP or Postal Code",
    "Country",
)
# The FDA template's Shipping tab (https://www.fda.gov/media/179617/download), every heading as published.
SHIPPING = [
    "Traceability Lot Code\n\n(The Traceability Lot Code assigned to the food by the Initial Packer / First Land-Based "
    "Receiver / person who Transformed the Food)",
    "Quantity\n\n(e.g., 6, 25, 100, 200)",
    "Unit of Measure\n\n(e.g., cases, reusable plastic containers, tanks, pounds)",
    "Product Description - \nProduct Name",
    "Product Description - \nBrand Name (if applicable)\n\n(Marketed Brand of this food product)",
    "Product Description - \nCommodity (if applicable)\n\n(e.g., Melon, Lettuce, Tuna, Soft Cheese)",
    "Product Description - \nVariety (if applicable)\n\n(e.g., Small White Honeydew, Romaine, Albacore, Queso Fresco)",
    "Product Description - \nPackaging Size\n\n(Packaging Configuration OR Count OR Weight + Unit of Measure)",
    "Product Description - \nPackaging Style\n\n(e.g., Cartons, Trays, Cases, Clamshell, etc.)",
    "Location Description for the Immediate Subsequent Recipient (other than a transporter) - \nBusiness Name\n\n"
    "(Name of the Company Operating the Location Receiving the Food)",
    "Location Description for the Immediate Subsequent Recipient (other than a transporter) - \nPhone Number\n\n"
    "(Phone Number to Call the Location Receiving the Food)",
    "Location Description for the Immediate Subsequent Recipient (other than a transporter) - \nStreet Address or "
    "Geographic Coordinates\n\n(Street Address or Geographic Coordinates of the Actual Location Where the Food is to "
    "be Received)",
    "Location Description for the Immediate Subsequent Recipient (other than a transporter) - \nCity",
    "Location Description for the Immediate Subsequent Recipient (other than a transporter) - \nState or Region",
    "Location Description for the Immediate Subsequent Recipient (other than a transporter) - \nZIP or Postal Code",
    "Location Description for the Immediate Subsequent Recipient (other than a transporter) - \nCountry",
    "Location Description for the Location from which you Shipped the Food - \nBusiness Name\n\n(Name of the Company "
    "Operating the Location the Food Shipped from)",
    "Location Description for the Location from which you Shipped the Food  - \nPhone Number\n\n(Phone Number to Call "
    "the Location the Food Shipped from)",
    "Location Description for the Location from which you Shipped the Food  - \nStreet Address or Geographic "
    "Coordinates\n\n(Street Address or Geographic Coordinates of the Actual Location from which the food was sent)",
    "Location Description for the Location from which you Shipped the Food - \nCity",
    "Location Description for the Location from which you Shipped the Food - \nState or Region",
    "Location Description for the Location from which you Shipped the Food  - \nZIP or Postal Code",
    "Location Description for the Location from which you Shipped the Food  - \nCountry",
    "Shipping Date\n(mm/dd/yyyy)",
    "Location Description for the Traceability Lot Code Source - \nBusiness Name\n\n(Business Name of the "
    "Traceability Lot Code Source)",
    "Location Description for the Traceability Lot Code Source - \nPhone Number\n\n(Phone Number to Call the "
    "Traceability Lot Code Source)",
    "Location Description for the Traceability Lot Code Source - \nStreet Address or Geographic Coordinates\n\n"
    "(Street Address or Geographic Coordinates of the Traceability Lot Code Source)",
    "Location Description for the Traceability Lot Code Source - \nCity",
    "Location Description for the Traceability Lot Code Source - \nState/Region",
    "Location Description for the Traceability Lot Code Source - \nZIP/Postal Code",
    "Location Description for the Traceability Lot Code Source - \nCountry",
    "Traceability Lot Code Source Reference (may be provided instead of the location description for the TLC Source)"
    "\n\n(Shareable reference (e.g., URL, FDA FFRN) to pass along the supply chain, which FDA can use to access the "
    "Location Description where the Traceability Lot Code was assigned)",
    "Reference Document Type\n\n(e.g., Advance Shipping Notice, Bill of Lading (BOL), Invoice)",
    "Reference Document Number\n\n(e.g., ASN 10212025, BOL 042520 XYZ, Invoice 750A)",
    "Reference Document Type2\n\n(Additional reference document type related to the shipping of this food - if needed)",
    "Reference Document Number2\n\n(Corresponding number of the additional reference document - if needed)",
]


@pytest.fixture
def fruit_chain(db):
    return coffee_export(category="fruit")  # the same chain, with products on the Food Traceability List


def test_the_template_headings_are_the_fdas():
    assert list(TABS) == ["Harvesting", "Cooling", "Initial Packing", "Shipping", "Receiving", "Transformation"]
    assert {name: len(columns) for name, columns in TABS.items()} == {
        "Harvesting": 25,
        "Cooling": 30,
        "Initial Packing": 47,
        "Shipping": 36,
        "Receiving": 36,
        "Transformation": 31,
    }
    assert list(TABS["Shipping"]) == SHIPPING
    assert TABS["Receiving"][23] == "Date you Received the Food\n(mm/dd/yyyy)"
    assert TABS["Harvesting"][20] == "Harvest Date\n(mm/dd/yyyy)"
    assert TABS["Initial Packing"][25] == (
        "Traceability Lot Code\n\n(The Traceability Lot Code you assigned to this packed food)"
    )
    assert TABS["Transformation"][9] == (
        "New Traceability Lot Code you assigned to the Food Produced Through Transformation"
    )
    assert TABS["Transformation"][18] == "Transformation Completion Date\n(mm/dd/yyyy)"
    assert [c.rsplit("\n", 1)[-1] for c in TABS["Receiving"][9:16]] == [
        "(Name of the Company Operating the Location that the Food Arrived from)",
        "(Phone Number to Call the Location that the Food Arrived from)",
        "(Street Address or Geographic Coordinates of the Actual Location from which the food was sent)",
        *LOC[3:],
    ]


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
    assert book.sheetnames == ["Harvesting", "Shipping", "Receiving", "Transformation", "EPCIS events"]
    for name in book.sheetnames[:-1]:
        ws = book[name]
        assert tuple(cell.value for cell in ws[1]) == TABS[name] and ws.auto_filter.ref
    assert [book[n].max_row for n in book.sheetnames] == [3, 4, 3, 3, 9]
    tlc = f"{c.harvests[0].product.gtin}/{c.harvests[0].lot_code}"
    shipped = next(
        dict(zip(SHIPPING, (x.value for x in row), strict=True))
        for row in book["Shipping"].iter_rows(min_row=2)
        if row[0].value == tlc
    )
    assert shipped[SHIPPING[3]] == "Cà phê nhân 1" and shipped[SHIPPING[9]] == "Công ty Rang xay Đăk Hà"
    assert shipped[SHIPPING[16]] == "HTX Cà phê 1" and shipped[SHIPPING[24]] == "HTX Cà phê 1"
    assert shipped[SHIPPING[15]] == "Viet Nam" and shipped[SHIPPING[6]] is None  # no variety recorded: left empty
    assert shipped[SHIPPING[31]].endswith(f"/01/{c.harvests[0].product.gtin}/10/{c.harvests[0].lot_code}")
    assert shipped[SHIPPING[32]] == "Advance Shipping Notice"
    inputs = sorted(row[0].value for row in book["Transformation"].iter_rows(min_row=2))
    assert inputs == sorted(f"{h.product.gtin}/{h.lot_code}" for h in c.harvests)  # one row per input lot
    assert {row[9].value for row in book["Transformation"].iter_rows(min_row=2)} == {transformation[1]}
    epcis = book["EPCIS events"]
    assert [cell.value for cell in epcis[1]] == list(fsma.COLUMNS)
    rows = list(csv.reader(io.StringIO(fsma.to_csv(sheet).decode("utf-8-sig"))))
    assert rows[0] == list(fsma.COLUMNS) and len(rows) == 9


def test_products_off_the_food_traceability_list_are_left_out(officer):
    c = coffee_export()
    sheet = fsma.for_lot(c.roasted.product.gtin, c.roasted.lot_code, officer)
    assert sheet.rows == [] and sheet.left_out == 8 and sheet.tabs == {}
    assert load_workbook(io.BytesIO(fsma.to_xlsx(sheet))).sheetnames == ["EPCIS events"]
