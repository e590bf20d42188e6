"""verify.js in real headless Chromium (WebCrypto SHA-256 and Ed25519) against a live server.

The browser's report must equal bundle.py's, field for field, on a valid bundle and on each kind
of tampering.
"""

from __future__ import annotations

import base64
import copy
import json
import urllib.request

import pytest

from ledger import note
from ledger.bundle import verify_bundle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _flip(s: str, i: int = 0) -> str:
    raw = bytearray(base64.b64decode(s))
    raw[i] ^= 1
    return base64.b64encode(bytes(raw)).decode()


def _tampered(b: dict) -> dict[str, tuple[dict, str | None]]:
    """name -> (bundle, pinned key)"""
    out = {}

    def variant(name, fn, key=None):
        x = copy.deepcopy(b)
        fn(x)
        out[name] = (x, key)

    def edit_lot(x):
        rec = next(r for r in x["records"] if r["kind"] == "lot")
        rec["canonical"] = rec["canonical"].replace('"quantity":"100.000"', '"quantity":"900.000"')

    def forge_lot(x):
        from ledger.bundle import record_leaf_hash

        rec = next(r for r in x["records"] if r["kind"] == "lot")
        rec["canonical"] = rec["canonical"].replace('"quantity":"100.000"', '"quantity":"900.000"')
        rec["leaf_hash"] = base64.b64encode(record_leaf_hash(rec["canonical"].encode())).decode()

    def bad_sig(x):
        text, sig = x["checkpoint"].split("\n\n")
        name, b64 = sig.rstrip("\n").split(" ")[1:]
        x["checkpoint"] = text + "\n\n— " + name + " " + _flip(b64, 20) + "\n"

    def other_size(x):
        text, sigs = x["checkpoint"].split("\n\n")
        lines = text.split("\n")
        lines[1] = str(int(lines[1]) + 1)
        x["checkpoint"] = "\n".join(lines) + "\n\n" + sigs

    _other_skey, other_vkey = note.generate_key(b["origin"])
    variant("valid", lambda x: None)
    variant("valid_pinned", lambda x: None, b["verifier_key"])
    variant("edited_record", edit_lot)
    variant("forged_leaf_hash", forge_lot)
    variant(
        "flipped_proof",
        lambda x: x["records"][0]["inclusion_proof"].__setitem__(0, _flip(x["records"][0]["inclusion_proof"][0])),
    )
    variant("short_proof", lambda x: x["records"][1]["inclusion_proof"].pop())
    variant("wrong_index", lambda x: x["records"][2].__setitem__("leaf_index", 10**6))
    variant("bad_signature", bad_sig)
    variant("other_size", other_size)
    variant("unknown_key", lambda x: x.__setitem__("verifier_key", other_vkey))
    variant("not_pinned", lambda x: None, other_vkey)
    variant("bad_key", lambda x: x.__setitem__("verifier_key", "nonsense"))
    variant("origin", lambda x: x.__setitem__("origin", "other.example/log"))
    variant("no_records", lambda x: x.__setitem__("records", "x"))
    variant("malformed_record", lambda x: x["records"][0].__setitem__("leaf_hash", "abc"))
    variant("malformed_checkpoint", lambda x: x.__setitem__("checkpoint", "not a note"))
    return out


def test_verify_js_matches_bundle_py_in_chromium(browser, live_server, published_lot):
    lot = published_lot
    url = f"{live_server.url}/api/v1/lots/{lot.product.gtin}/{lot.lot_code}/proof-bundle"
    with urllib.request.urlopen(url) as r:
        b = json.loads(r.read())
    assert len(b["records"]) == 5
    page = browser.new_page(viewport={"width": 390, "height": 844})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}/ledger/verify")
    for name, (bundle, key) in _tampered(b).items():
        js = page.evaluate(
            """async ([bundle, key]) => {
                const m = await import('/static/ledger/verify.js');
                return await m.verifyBundle(bundle, {pinnedKey: key});
            }""",
            [bundle, key],
        )
        py = verify_bundle(bundle, pinned_key=key).to_dict()
        assert js == py, name
        assert js["ok"] is (name in ("valid", "valid_pinned")), name
    # JSON text input and garbage.
    js = page.evaluate("async (t) => (await import('/static/ledger/verify.js')).verifyBundle(t)", "{")
    assert js["error"] == "malformed_bundle"
    assert not errors


def test_verify_page_renders_the_badge(browser, live_server, published_lot):
    lot = published_lot
    bundle_url = f"/api/v1/lots/{lot.product.gtin}/{lot.lot_code}/proof-bundle"
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/ledger/verify?bundle={bundle_url}")
    badge = page.locator(".ledger-badge")
    badge.wait_for(timeout=10_000)
    assert "ledger-ok" in badge.get_attribute("class")
    text = badge.inner_text()
    assert "Đã xác minh 5/5 bản ghi" in text and "Verified 5 of 5 records" in text
    assert page.locator(".ledger-records li.ledger-ok").count() == 5
    page.goto(f"{live_server.url}/ledger/verify?bundle=/api/v1/lots/0/NOPE/proof-bundle")
    page.locator(".ledger-badge.ledger-fail").wait_for(timeout=10_000)
    assert "không tải được" in page.locator(".ledger-badge").inner_text()
