"""Tests for ledger.bundle: offline proof bundle verification and each kind of tampering."""

import base64
import copy
import hashlib
import json

import pytest

from ledger.bundle import MESSAGES, build_bundle, record_leaf_hash, verify_bundle
from ledger.merkle import MemoryHashStore, leaf_hash
from ledger.note import format_checkpoint, generate_key, sign_note

ORIGIN = "truyxuat.example/kontum"
SKEY, VKEY = generate_key(ORIGIN)
OTHER_SKEY, OTHER_VKEY = generate_key(ORIGIN)

SIZE = 10234
PICKED = [3, 17, 255, 256, 1000, 5000, 7777, 9000, 10000, 10100, 10200, 10233]


def _canonical(i):
    return json.dumps(
        {"type": "ObjectEvent", "lot": f"LÔ-{i:05d}", "bizStep": "commissioning", "nơi": "Tu Mơ Rông"},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )


STORE = MemoryHashStore()
STORE.extend([record_leaf_hash(_canonical(i).encode("utf-8")) for i in range(SIZE)])
CHECKPOINT = sign_note(format_checkpoint(ORIGIN, SIZE, STORE.tree_hash()), SKEY)


def _bundle():
    return build_bundle(
        origin=ORIGIN,
        checkpoint=CHECKPOINT,
        verifier_key=VKEY,
        tree_size=SIZE,
        records=[("event", i, _canonical(i)) for i in PICKED],
        reader=STORE,
        subject={"gtin": "08938500000016", "lot": "LÔ-00003"},
    )


BUNDLE = _bundle()


def _flip_b64(s, i=0):
    raw = bytearray(base64.b64decode(s))
    raw[i] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


def test_bundle_shape():
    b = BUNDLE
    assert set(b) == {"origin", "checkpoint", "verifier_key", "records", "subject"}
    r = b["records"][0]
    assert set(r) == {"kind", "leaf_index", "canonical", "leaf_hash", "inclusion_proof"}
    assert r["leaf_index"] == 3
    assert base64.b64decode(r["leaf_hash"]) == leaf_hash(hashlib.sha256(_canonical(3).encode()).digest())
    assert len(r["inclusion_proof"]) == 14
    json.dumps(b)  # plain JSON


def test_valid_bundle_verifies():
    rep = verify_bundle(BUNDLE)
    assert rep.ok is True
    assert rep.checkpoint_ok is True
    assert rep.error is None
    assert (rep.verified, rep.total) == (12, 12)
    assert rep.origin == ORIGIN
    assert rep.tree_size == 10234
    assert rep.root_hash == base64.b64encode(STORE.tree_hash()).decode()
    assert [r.leaf_index for r in rep.records] == PICKED
    assert all(r.ok and r.error is None for r in rep.records)
    root16 = STORE.tree_hash().hex()[:16]
    assert rep.summary_vi == (
        f"Đã xác minh 12/12 bản ghi có trong sổ cái công khai {ORIGIN}, kích thước cây 10.234, gốc {root16}…"
    )
    assert rep.summary_en == (
        f"Verified 12 of 12 records are in the public ledger {ORIGIN}, tree size 10,234, root {root16}…"
    )
    assert rep.subject == {"gtin": "08938500000016", "lot": "LÔ-00003"}
    assert rep.to_dict()["records"][0]["message_vi"] == "có trong sổ cái công khai"


def test_json_text_and_pinned_key_accepted():
    assert verify_bundle(json.dumps(BUNDLE)).ok
    assert verify_bundle(json.dumps(BUNDLE).encode()).ok
    assert verify_bundle(BUNDLE, pinned_key=VKEY).ok


def test_edited_canonical_fails_leaf_hash():
    b = copy.deepcopy(BUNDLE)
    b["records"][4]["canonical"] = b["records"][4]["canonical"].replace("LÔ-01000", "LÔ-01001")
    rep = verify_bundle(b)
    assert rep.ok is False
    assert rep.checkpoint_ok is True
    assert (rep.verified, rep.total) == (11, 12)
    bad = rep.records[4]
    assert (bad.ok, bad.error, bad.leaf_index) == (False, "leaf_hash_mismatch", 1000)
    assert bad.message_en == "the record content does not match its leaf hash (it was altered)"
    assert rep.summary_vi.startswith("CẢNH BÁO: chỉ xác minh được 11/12 bản ghi")
    assert "bản ghi event #1000: nội dung bản ghi không khớp với mã băm lá (đã bị sửa)" in rep.summary_vi
    assert rep.summary_en.startswith("WARNING: only 11 of 12 records verified")


def test_edited_canonical_with_recomputed_leaf_hash_fails_proof():
    b = copy.deepcopy(BUNDLE)
    forged = _canonical(17).replace("commissioning", "shipping")
    b["records"][1]["canonical"] = forged
    b["records"][1]["leaf_hash"] = base64.b64encode(record_leaf_hash(forged.encode())).decode()
    rep = verify_bundle(b)
    assert rep.records[1].error == "proof_invalid"
    assert rep.verified == 11 and not rep.ok


def test_flipped_proof_hash_fails():
    for j in range(len(BUNDLE["records"][2]["inclusion_proof"])):
        b = copy.deepcopy(BUNDLE)
        b["records"][2]["inclusion_proof"][j] = _flip_b64(b["records"][2]["inclusion_proof"][j], j)
        rep = verify_bundle(b)
        assert [r.error for r in rep.records if not r.ok] == ["proof_invalid"]
        assert rep.records[2].message_vi == "bằng chứng bao gồm không khớp với gốc của cây"


def test_wrong_index_or_short_proof_fails():
    b = copy.deepcopy(BUNDLE)
    b["records"][0]["leaf_index"] = 4
    b["records"][1]["inclusion_proof"].pop()
    b["records"][2]["leaf_index"] = SIZE
    rep = verify_bundle(b)
    assert [r.error for r in rep.records[:3]] == ["proof_invalid", "proof_invalid", "index_out_of_range"]


def test_broken_checkpoint_signature():
    b = copy.deepcopy(BUNDLE)
    text, sig = b["checkpoint"].split("\n\n")
    name, b64 = sig.rstrip("\n").split(" ")[1:]
    b["checkpoint"] = text + "\n\n— " + name + " " + _flip_b64(b64, 20) + "\n"
    rep = verify_bundle(b)
    assert rep.ok is False and rep.checkpoint_ok is False
    assert rep.error == "signature_invalid"
    assert rep.verified == 0 and rep.total == 12
    assert all(r.error == "checkpoint_unverified" for r in rep.records)
    assert rep.summary_vi == "Không xác minh được: chữ ký của điểm kiểm tra không hợp lệ."
    assert rep.summary_en == "Not verified: the checkpoint signature is invalid."


def test_checkpoint_with_other_root_fails_signature():
    b = copy.deepcopy(BUNDLE)
    text, sigs = b["checkpoint"].split("\n\n")
    lines = text.split("\n")
    lines[1] = str(SIZE + 1)
    b["checkpoint"] = "\n".join(lines) + "\n\n" + sigs
    assert verify_bundle(b).error == "signature_invalid"


def test_wrong_key_in_bundle():
    b = copy.deepcopy(BUNDLE)
    b["verifier_key"] = OTHER_VKEY  # same name, different key: the checkpoint's line is unknown
    rep = verify_bundle(b)
    assert rep.error == "unknown_key"
    assert rep.summary_en == "Not verified: the checkpoint is not signed by the ledger's key."


def test_attacker_key_and_signature_rejected_by_pinned_key():
    # An attacker re-signs a forged tree with their own key and ships their key in the bundle.
    forged_store = MemoryHashStore()
    forged_store.extend([record_leaf_hash(b"forged %d" % i) for i in range(SIZE)])
    b = build_bundle(
        origin=ORIGIN,
        checkpoint=sign_note(format_checkpoint(ORIGIN, SIZE, forged_store.tree_hash()), OTHER_SKEY),
        verifier_key=OTHER_VKEY,
        tree_size=SIZE,
        records=[("event", 5, "forged 5")],
        reader=forged_store,
    )
    assert verify_bundle(b).ok  # self-consistent ...
    rep = verify_bundle(b, pinned_key=VKEY)  # ... but not the ledger's key
    assert rep.ok is False
    assert rep.error == "key_not_pinned"
    assert rep.summary_vi == ("Không xác minh được: khóa xác minh không phải khóa đã được công bố của sổ cái.")


def test_origin_mismatch():
    b = copy.deepcopy(BUNDLE)
    b["origin"] = "other.example/log"
    assert verify_bundle(b).error == "origin_mismatch"


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda b: b.pop("checkpoint"), "malformed_bundle"),
        (lambda b: b.update(records="x"), "malformed_bundle"),
        (lambda b: b.update(verifier_key="nonsense"), "malformed_key"),
        (lambda b: b.update(checkpoint="not a note"), "malformed_checkpoint"),
    ],
)
def test_malformed_bundles(mutate, code):
    b = copy.deepcopy(BUNDLE)
    mutate(b)
    assert verify_bundle(b).error == code


def test_not_json():
    assert verify_bundle("{").error == "malformed_bundle"
    assert verify_bundle("[]").error == "malformed_bundle"


@pytest.mark.parametrize(
    "mutate",
    [
        lambda r: r.update(leaf_index="3"),
        lambda r: r.update(leaf_index=True),
        lambda r: r.update(leaf_index=-1),
        lambda r: r.update(canonical=None),
        lambda r: r.update(leaf_hash="abc"),
        lambda r: r.update(inclusion_proof=["AAAA"]),
        lambda r: r.update(inclusion_proof="x"),
        lambda r: r.pop("kind"),
    ],
)
def test_malformed_record(mutate):
    b = copy.deepcopy(BUNDLE)
    mutate(b["records"][0])
    rep = verify_bundle(b)
    assert rep.records[0].error == "malformed_record"
    assert rep.verified == 11


def test_every_message_has_both_languages():
    for vi, en in MESSAGES.values():
        assert vi and en and vi != en


def test_leaf_is_the_digest_of_the_canonical_json():
    # The leaf hash must not be SHA-256(0x00 || canonical): a bundle built that way fails.
    b = copy.deepcopy(BUNDLE)
    r = b["records"][0]
    r["leaf_hash"] = base64.b64encode(leaf_hash(r["canonical"].encode())).decode()
    assert verify_bundle(b).records[0].error == "leaf_hash_mismatch"
