"""The in-browser verifier counts the independent provinces vouching for a checkpoint (issue 23 item 3), in real
headless Chromium against a live server: verify.js checks each peer's cosignature/v1 line itself (WebCrypto Ed25519)
against the keys the node publishes at ``/federation/witnesses``.

Counted: a province once however many of its nodes cosign. Not counted: the hub (not a province), a forged line, a
peer that did not cosign, and a cosignature by a witness the node does not list."""

from __future__ import annotations

import base64
import urllib.parse
from decimal import Decimal

import pytest

from accounts.permissions import SYSTEM
from catalog.tests.factories import LotFactory, OrganizationFactory, ProductFactory
from events.services import capture_events
from events.tests.helpers import object_event
from federation import services
from federation.models import Peer
from gs1.keys import with_check_digit
from ledger import checkpoints, note
from ledger.models import WitnessCosignature

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIME = 1_790_000_000


def _peer(name: str, origin: str, province: int | None, hub: bool = False) -> tuple[Peer, str]:
    skey, vkey = note.generate_witness_key(origin)
    peer = Peer.objects.create(
        name=name,
        base_url=f"http://{origin.split('/')[0]}",
        origin=origin,
        ledger_key=note.generate_key(origin)[1],
        witness_key=vkey,
        http_keyid=origin,
        http_public_key="AAAA",
        province_code=province,
        hub=hub,
    )
    return peer, skey


def _flip(line: str) -> str:
    """The line with one bit of its signature changed (a forged cosignature under the peer's key hash)."""
    head, b64 = line.rstrip("\n").rsplit(" ", 1)
    raw = bytearray(base64.b64decode(b64))
    raw[-1] ^= 1
    return f"{head} {base64.b64encode(bytes(raw)).decode()}\n"


@pytest.fixture
def cosigned() -> dict[str, str]:
    """A public event in the ledger, its checkpoint cosigned by peers of every kind; the bundle's URL."""
    org = OrganizationFactory(gs1_company_prefix="8931001")
    product = ProductFactory(organization=org, gtin="0" + with_check_digit("893100100001"))
    LotFactory(product=product, lot_code="CP-01", quantity=Decimal("500"), unit="KGM", status="published")
    event = object_event([f"https://id.gs1.org/01/{product.gtin}/10/CP-01"], time="2026-11-01T08:00:00+07:00")
    [event_id] = capture_events(actor=SYSTEM, organization=org, events=[event]).stored
    cp = checkpoints.ensure_checkpoint()
    assert cp is not None
    text = note.parse_note(cp.note)[0]
    peers = [
        _peer("Đắk Lắk", "daklak.test/ledger", 66),
        _peer("Đắk Lắk (dự phòng)", "daklak2.test/ledger", 66),
        _peer("TP. Hồ Chí Minh", "hcm.test/ledger", 79),
        _peer("Quốc gia", "hub.test/ledger", None, hub=True),
        _peer("Sơn La", "sonla.test/ledger", 14),
        _peer("Hà Nội", "hanoi.test/ledger", 1),  # a peer that has not cosigned
    ]
    for peer, skey in peers[:4]:  # through the service a peer's signed POST reaches
        services.accept_cosignature(peer=peer, body=note.add_signatures(cp.note, note.cosign(text, skey, TIME)))
    sonla_key = peers[4][1]
    forged = _flip(note.cosign(text, sonla_key, TIME))
    stranger_key = note.generate_witness_key("stranger.test/ledger")[0]
    for line in (forged, note.cosign(text, stranger_key, TIME)):  # stored behind the service's back
        sig = note.parse_note(note.add_signatures(cp.note, line))[1][-1]
        WitnessCosignature.objects.create(
            checkpoint=cp, witness=sig.name, key_hash=sig.key_hash, line=line, timestamp=0
        )
    assert len(note.parse_note(checkpoints.with_cosignatures(cp))[1]) == 7  # ours and six cosignatures
    return {"bundle": "/federation/proofs?" + urllib.parse.urlencode({"eventID": event_id}), "checkpoint": cp.note}


def test_the_verifier_page_counts_the_provinces_whose_cosignatures_verify(browser, live_server, cosigned):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}/ledger/verify?" + urllib.parse.urlencode({"bundle": cosigned["bundle"]}))
    vouched = page.locator(".ledger-vouched")
    vouched.wait_for(timeout=10_000)
    assert vouched.inner_text().splitlines() == [
        "Được 2 tỉnh độc lập xác nhận: Đắk Lắk, TP. Hồ Chí Minh",
        "Vouched for by 2 independent provinces: Đắk Lắk, TP. Hồ Chí Minh",
    ]
    assert "ledger-ok" in page.locator(".ledger-badge").get_attribute("class")

    # The count is the browser's own: a checkpoint whose text changed keeps no cosignature; an empty list, none.
    found = page.evaluate(
        """async ([bundleUrl]) => {
            const m = await import('/static/ledger/verify.js');
            const bundle = await (await fetch(bundleUrl)).json();
            const list = (await (await fetch('/federation/witnesses')).json()).witnesses;
            const changed = bundle.checkpoint.replace(/\\n(\\d+)\\n/, (_, n) => `\\n${Number(n) + 1}\\n`);
            return [
                await m.vouchingProvinces(bundle.checkpoint, list, bundle.origin),
                await m.vouchingProvinces(changed, list, bundle.origin),
                await m.vouchingProvinces(bundle.checkpoint, [], bundle.origin),
                await m.vouchingProvinces('not a note', list, bundle.origin),
            ];
        }""",
        [cosigned["bundle"]],
    )
    assert [(f["count"], f["provinces"]) for f in found] == [
        (2, ["Đắk Lắk", "TP. Hồ Chí Minh"]),
        (0, []),
        (0, []),
        (0, []),
    ]
    assert not errors


def test_without_cosignatures_the_page_says_none_vouch_yet(browser, live_server, cosigned):
    WitnessCosignature.objects.all().delete()
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/ledger/verify?" + urllib.parse.urlencode({"bundle": cosigned["bundle"]}))
    vouched = page.locator(".ledger-vouched.ledger-none")
    vouched.wait_for(timeout=10_000)
    assert vouched.inner_text().splitlines() == [
        "Chưa có tỉnh độc lập nào xác nhận điểm kiểm tra này",
        "No independent province has vouched for this checkpoint yet",
    ]
