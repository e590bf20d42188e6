"""The workspace's menu link to the RFID pages and the pages it reaches (gates, labels, assets); stamp items'
labels for RFID printers (ZPL with each item's SGTIN-96, decoded back; who may print them); the assets' registry
and labels pages as a member uses them, with bad input answered in words, never a 500."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from catalog.tests.factories import AgencyFactory, LotFactory, ProductFactory
from core.errors import Forbidden
from gs1.binary import decode_sgtin96
from rfid import labels
from rfid.models import ReturnableAsset
from stamps import printing, secrets
from stamps import services as stamps

pytestmark = pytest.mark.django_db

RFW = re.compile(r"\^RFW,H,2,12,1\^FD([0-9A-F]{24})\^FS")


def test_the_menu_link_reaches_the_gates_labels_and_assets(client, producer, consumer):
    client.force_login(producer)
    dashboard = client.get(reverse("workspace:dashboard")).content.decode()
    assert '<a href="/rfid/" class="" id="nav-rfid">' in dashboard and "Thẻ RFID</a>" in dashboard
    gates = client.get("/rfid/")
    assert gates.status_code == 200
    page = gates.content.decode()
    assert 'class="on" id="nav-rfid"' in page  # the menu shows where the member is
    for href in ('href="/rfid/nhan/"', 'href="/rfid/tai-san/"'):
        assert href in page
    for url in ("/rfid/nhan/", "/rfid/tai-san/"):
        answer = client.get(url)
        assert answer.status_code == 200 and 'class="on" id="nav-rfid"' in answer.content.decode()

    client.force_login(consumer)  # signed in, member of no organisation
    assert [client.get(u).status_code for u in ("/rfid/", "/rfid/nhan/", "/rfid/tai-san/")] == [403, 403, 403]
    client.logout()
    assert client.get("/rfid/tai-san/")["Location"].startswith("/accounts/")


@pytest.fixture
def batch(organization, producer, officer):
    lot = LotFactory(product=ProductFactory(organization=organization, name="Cà phê rang xay"), lot_code="RX01")
    requested = stamps.request_batch(actor=producer, product=lot.product, lot=lot, quantity=3)
    return stamps.approve_batch(actor=officer, batch=requested)


def test_stamp_items_zpl_carries_each_items_sgtin96(client, producer, batch):
    client.force_login(producer)
    for page in (reverse("workspace:stamps"), "/rfid/nhan/"):  # beside the PDF sheet, and with the other labels
        assert f'href="/rfid/tem/{batch.pk}.zpl"' in client.get(page).content.decode()
    answer = client.get(f"/rfid/tem/{batch.pk}.zpl")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/vnd.zebra.zpl; charset=utf-8"
    zpl = b"".join(answer.streaming_content).decode()
    written = RFW.findall(zpl)
    assert written == [epc for _serial, epc in printing.batch_epcs(batch)]
    codes = secrets.read_codes(batch.pk)
    gtin = batch.product.gtin.zfill(14)
    for epc, serial in zip(written, batch.stamps.order_by("id").values_list("serial", flat=True), strict=True):
        item = decode_sgtin96(epc)
        assert (item.gtin, item.serial, item.filter) == (gtin, serial, 1)  # filter 1: a point-of-sale item
        assert f"^FD(01) {gtin} (21) {serial}^FS" in zpl and f"^FDMã KT: {codes[serial]}^FS" in zpl
        assert f"^FDEPC {epc}^FS" in zpl
    assert zpl.count("^FDQA,http") == 3 and "^FDLô/Lot: RX01^FS" in zpl

    stamps.mark_printed(actor=producer, batch=batch)  # the check codes leave the server: nothing to print
    refused = client.get(f"/rfid/tem/{batch.pk}.zpl")
    assert refused.status_code == 409 and "không in lại được" in refused.content.decode()
    for page in (reverse("workspace:stamps"), "/rfid/nhan/"):
        assert f'href="/rfid/tem/{batch.pk}.zpl"' not in client.get(page).content.decode()


def test_who_may_print_stamp_labels(batch, producer, other_producer, officer, anonymous, client):
    outsider = UserFactory(agency=AgencyFactory(province_code=1))
    for actor in (other_producer, outsider, anonymous):
        with pytest.raises(Forbidden):
            labels.stamp_labels(actor=actor, batch=batch)
    assert len(list(labels.stamp_labels(actor=producer, batch=batch))) == 3
    assert len(list(labels.stamp_labels(actor=officer, batch=batch))) == 3  # an officer of the province, as the PDF
    client.force_login(other_producer)
    assert client.get(f"/rfid/tem/{batch.pk}.zpl").status_code == 404  # another organisation's batch


def test_register_crates_print_their_labels_and_see_where_they_are(client, producer, other_producer):
    client.force_login(producer)
    refused = client.post("/rfid/tai-san/", {"kind": "Sọt cà phê", "count": "0"})
    assert refused.status_code == 400 and "Mỗi lần đăng ký từ 1 đến 500 tài sản." in refused.content.decode()
    assert 'value="Sọt cà phê"' in refused.content.decode()  # what was typed stays
    assert ReturnableAsset.objects.count() == 0

    made = client.post("/rfid/tai-san/", {"kind": "Sọt cà phê", "count": "3"})
    crates = list(ReturnableAsset.objects.order_by("id"))
    kind = crates[0].asset_type
    assert made.status_code == 302 and made["Location"] == f"/rfid/tai-san/{kind.pk}/nhan/?tu=1&den=3"
    page = client.get(made["Location"]).content.decode()
    for crate in crates:
        label = labels.asset_label(crate)
        assert f"EPC {label.epc_hex}" in page and f"(8003) 0{crate.grai}{crate.serial}" in page
    assert page.count("<svg") == 3 and f'href="/rfid/tai-san/{kind.pk}/nhan.zpl?tu=1&amp;den=3"' in page

    two = client.get(f"/rfid/tai-san/{kind.pk}/nhan.zpl?tu=2&den=3")
    written = RFW.findall(b"".join(two.streaming_content).decode())
    assert written == [labels.asset_label(c).epc_hex for c in crates[1:]]

    bad = client.get(f"/rfid/tai-san/{kind.pk}/nhan/?tu=hai")
    assert bad.status_code == 400 and "A serial is a whole number." in bad.content.decode()
    assert client.get(f"/rfid/tai-san/{kind.pk}/nhan.zpl?den=-1").status_code == 400

    registry = client.get("/rfid/tai-san/").content.decode()
    assert registry.count("Chưa qua cổng nào") == 3 and "Sọt cà phê · 3" in registry
    client.force_login(other_producer)
    assert client.get(f"/rfid/tai-san/{kind.pk}/nhan/").status_code == 404
    assert "Chưa đăng ký tài sản nào." in client.get("/rfid/tai-san/").content.decode()  # not the other's
