"""Tests for ledger.note: Go's note test vectors, C2SP examples, round trips, cosignatures."""

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.note import (
    ALG_COSIGNATURE_V1,
    ALG_ED25519,
    Checkpoint,
    InvalidSignatureError,
    MalformedCheckpointError,
    MalformedKeyError,
    MalformedNoteError,
    NoteError,
    Signer,
    UnknownKeyError,
    Verifier,
    add_signatures,
    cosign,
    format_checkpoint,
    generate_key,
    generate_witness_key,
    key_id,
    open_checkpoint,
    open_note,
    parse_checkpoint,
    parse_note,
    parse_signer_key,
    parse_verifier_key,
    sign_note,
    verifier_key_for,
    verify_cosignature,
)

# golang.org/x/mod/sumdb/note note_test.go
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
PETER_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
PETER_SIGNED = (
    PETER_TEXT
    + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)

# c2sp.org/signed-note example
C2SP_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
C2SP_NOTE = (
    "This is an example message.\n\n— example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)

# c2sp.org/tlog-cosignature example
C2SP_COSIGNED = (
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n"
    "— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGz"
    "Gku9nTo+zyWE+xeMcTOAYQ8=\n"
    "— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1n"
    "PZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n"
)


def test_go_peter_neumann_sign_is_byte_identical():
    assert sign_note(PETER_TEXT, PETER_SKEY) == PETER_SIGNED


def test_go_peter_neumann_open():
    text, sigs = open_note(PETER_SIGNED, [PETER_VKEY])
    assert text == PETER_TEXT
    assert [(s.name, s.key_hash) for s in sigs] == [("PeterNeumann", 0xC74F20A3)]
    assert verifier_key_for(PETER_SKEY) == PETER_VKEY


def test_go_peter_neumann_keys_parse():
    v = parse_verifier_key(PETER_VKEY)
    assert (v.name, v.key_hash, v.alg) == ("PeterNeumann", 0xC74F20A3, ALG_ED25519)
    assert v.key == PETER_VKEY
    s = parse_signer_key(PETER_SKEY)
    assert s.verifier == v
    assert Verifier.from_key(PETER_VKEY) == v
    assert Signer.from_key(PETER_SKEY) == s


def test_go_bad_verifier_keys_rejected():
    # note_test.go: wrong length key (adjusted hash) and unknown algorithm (adjusted hash)
    for bad in [
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3",
        "",
    ]:
        with pytest.raises(MalformedKeyError):
            parse_verifier_key(bad)


def test_every_truncation_or_mangling_of_a_verifier_key_is_rejected():
    b = PETER_VKEY
    for i in range(len(b)):
        mangled = b[:i] + chr(ord(b[i]) + 1) + b[i + 1 :]
        with pytest.raises(MalformedKeyError):
            parse_verifier_key(mangled)
    for j in range(1, len(b)):
        with pytest.raises(MalformedKeyError):
            parse_verifier_key(b[:j])


def test_every_mangling_of_a_signer_key_is_rejected():
    b = PETER_SKEY
    for i in range(len(b)):
        mangled = b[:i] + chr(ord(b[i]) + 1) + b[i + 1 :]
        with pytest.raises(MalformedKeyError):
            parse_signer_key(mangled)


def test_c2sp_signed_note_example():
    text, sigs = open_note(C2SP_NOTE, [C2SP_VKEY])
    assert text == "This is an example message.\n"
    assert sigs[0].name == "example.com/foo"
    assert sigs[0].key_hash == 0x530D903A


def test_c2sp_cosignature_example_shape():
    text, sigs = parse_note(C2SP_COSIGNED)
    cp = parse_checkpoint(text)
    assert cp == Checkpoint(
        "example.com/behind-the-sofa",
        20852163,
        base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="),
    )
    witness = sigs[1]
    assert witness.name == "witness.example.com/w1"
    # 4-byte key ID, then an 8-byte big-endian timestamp, then a 64-byte Ed25519 signature.
    assert len(witness.raw) == 72
    assert witness.timestamp == 1679315147
    assert sigs[0].timestamp is None


def test_key_id_rule():
    pub = bytes(range(32))
    want = int.from_bytes(hashlib.sha256(b"a.example/b\n\x01" + pub).digest()[:4], "big")
    assert key_id("a.example/b", ALG_ED25519, pub) == want
    assert key_id("a.example/b", ALG_COSIGNATURE_V1, pub) != want


def test_generate_sign_open_round_trip():
    skey, vkey = generate_key("truyxuat.example/log")
    assert skey.startswith("PRIVATE+KEY+truyxuat.example/log+")
    name, hash16, key64 = vkey.split("+", 2)
    assert name == "truyxuat.example/log"
    assert len(hash16) == 8
    raw = base64.b64decode(key64)
    assert raw[0] == 0x01 and len(raw) == 33
    assert int(hash16, 16) == key_id(name, 1, raw[1:])
    assert verifier_key_for(skey) == vkey
    text = "Tiếng Việt có dấu\n\nwith a blank line\n"
    msg = sign_note(text, skey)
    assert open_note(msg, [vkey])[0] == text
    assert open_note(msg.encode("utf-8"), [parse_verifier_key(vkey)])[0] == text


def test_generate_rejects_bad_names():
    for name in ["", "a b", "a+b", "a\tb"]:
        with pytest.raises(MalformedKeyError):
            generate_key(name)


def test_multiple_signers_and_unknown_signatures_ignored():
    s1, v1 = generate_key("one")
    s2, v2 = generate_key("two")
    msg = sign_note("hello\n", s1, s2)
    text, sigs = open_note(msg, [v2])
    assert text == "hello\n"
    assert [s.name for s in sigs] == ["two"]
    assert [s.name for s in open_note(msg, [v1, v2])[1]] == ["one", "two"]


def test_unknown_key():
    s1, _ = generate_key("one")
    _, other = generate_key("one")
    msg = sign_note("hello\n", s1)
    with pytest.raises(UnknownKeyError, match="no signature from a known key") as exc:
        open_note(msg, [PETER_VKEY])
    assert [s.name for s in exc.value.signatures] == ["one"]
    # Same name, different key (different key ID): still unknown, not invalid.
    with pytest.raises(UnknownKeyError):
        open_note(msg, [other])
    with pytest.raises(UnknownKeyError):
        open_note(msg, [])


def test_bad_signature():
    msg = PETER_SIGNED.replace("problem,", "problem;")
    with pytest.raises(InvalidSignatureError, match="invalid signature for key PeterNeumann\\+c74f20a3"):
        open_note(msg, [PETER_VKEY])
    # Flip a byte of the signature itself (keep the key ID).
    text, sigs = parse_note(PETER_SIGNED)
    raw = bytearray(base64.b64decode(sigs[0].base64))
    raw[10] ^= 1
    forged = text + "\n— PeterNeumann " + base64.b64encode(bytes(raw)).decode() + "\n"
    with pytest.raises(InvalidSignatureError):
        open_note(forged, [PETER_VKEY])


def test_malformed_notes():
    sig_line = PETER_SIGNED.split("\n\n")[1]
    for bad in [
        "no signatures\n",
        PETER_TEXT + "\n",
        PETER_TEXT + "\n" + sig_line.rstrip("\n"),  # no final newline
        PETER_TEXT + "\n- PeterNeumann AAAA\n",  # hyphen instead of em dash
        PETER_TEXT + "\n— PeterNeumann\n",
        PETER_TEXT + "\n— PeterNeumann !!!!\n",
        PETER_TEXT + "\n— PeterNeumann AAAA\n",  # fewer than 5 bytes
        PETER_TEXT + "\n— Peter+Neumann AAAAAAA=\n",
        "tab\there\n\n" + sig_line,
        PETER_TEXT + "\n" + sig_line * 101,
    ]:
        with pytest.raises(MalformedNoteError):
            open_note(bad, [PETER_VKEY])
    with pytest.raises(MalformedNoteError):
        open_note(b"\xff\xfe\n\n" + sig_line.encode(), [PETER_VKEY])


def test_duplicate_identical_signatures_are_accepted_once():
    msg = PETER_SIGNED + PETER_SIGNED.split("\n\n")[1]
    assert len(open_note(msg, [PETER_VKEY])[1]) == 1


def test_ambiguous_verifiers():
    v = parse_verifier_key(PETER_VKEY)
    fake = Verifier(v.name, v.key_hash, v.alg, bytes(32))
    with pytest.raises(NoteError, match="ambiguous"):
        open_note(PETER_SIGNED, [v, fake])
    # The same key twice is fine.
    assert open_note(PETER_SIGNED, [PETER_VKEY, PETER_VKEY, ENOCH_VKEY])[0] == PETER_TEXT


def test_sign_requires_final_newline_and_no_controls():
    with pytest.raises(MalformedNoteError):
        sign_note("abc", PETER_SKEY)
    with pytest.raises(MalformedNoteError):
        sign_note("a\x00b\n", PETER_SKEY)


# ---------------------------------------------------------------------------------------------
# Checkpoints
# ---------------------------------------------------------------------------------------------

ROOT = hashlib.sha256(b"root").digest()


def test_format_checkpoint_exact():
    body = format_checkpoint("truyxuat.example/log", 10234, ROOT)
    assert body == "truyxuat.example/log\n10234\n" + base64.b64encode(ROOT).decode() + "\n"
    assert parse_checkpoint(body) == Checkpoint("truyxuat.example/log", 10234, ROOT)
    assert Checkpoint("truyxuat.example/log", 10234, ROOT).body == body


def test_checkpoint_extensions_round_trip():
    body = format_checkpoint("o", 0, ROOT, ["ext one", "ext two"])
    assert body.endswith("\next one\next two\n")
    assert parse_checkpoint(body).extensions == ("ext one", "ext two")


@pytest.mark.parametrize(
    "bad",
    [
        "o\n1\n",
        "o\n01\n" + base64.b64encode(ROOT).decode() + "\n",
        "o\n-1\n" + base64.b64encode(ROOT).decode() + "\n",
        "o\n+1\n" + base64.b64encode(ROOT).decode() + "\n",
        "o\n1 \n" + base64.b64encode(ROOT).decode() + "\n",
        "o\n١\n" + base64.b64encode(ROOT).decode() + "\n",
        "o\n9223372036854775808\n" + base64.b64encode(ROOT).decode() + "\n",
        "\n1\n" + base64.b64encode(ROOT).decode() + "\n",
        "o\n1\n" + base64.b64encode(ROOT[:31]).decode() + "\n",
        "o\n1\nnot base64\n",
        "o\n1\n" + base64.b64encode(ROOT).decode(),
        "o\n1\n" + base64.b64encode(ROOT).decode() + "\n\n",
    ],
)
def test_parse_checkpoint_rejects(bad):
    with pytest.raises(MalformedCheckpointError):
        parse_checkpoint(bad)


def test_format_checkpoint_rejects():
    with pytest.raises(MalformedCheckpointError):
        format_checkpoint("", 1, ROOT)
    with pytest.raises(MalformedCheckpointError):
        format_checkpoint("o", -1, ROOT)
    with pytest.raises(MalformedCheckpointError):
        format_checkpoint("o", 1, ROOT[:5])
    with pytest.raises(MalformedCheckpointError):
        format_checkpoint("o", 1, ROOT, [""])


def test_open_checkpoint():
    skey, vkey = generate_key("truyxuat.example/log")
    msg = sign_note(format_checkpoint("truyxuat.example/log", 5, ROOT), skey)
    cp, sigs = open_checkpoint(msg, [vkey], origin="truyxuat.example/log")
    assert (cp.origin, cp.size, cp.root_hash) == ("truyxuat.example/log", 5, ROOT)
    assert len(sigs) == 1
    with pytest.raises(MalformedCheckpointError, match="origin"):
        open_checkpoint(msg, [vkey], origin="other.example/log")


# ---------------------------------------------------------------------------------------------
# Cosignatures
# ---------------------------------------------------------------------------------------------


def test_cosignature_bytes_follow_the_spec():
    seed = bytes(range(32))
    priv = Ed25519PrivateKey.from_private_bytes(seed)
    pub = priv.public_key().public_bytes_raw()
    kid = key_id("witness.example/w1", 0x04, pub)
    skey = f"PRIVATE+KEY+witness.example/w1+{kid:08x}+" + base64.b64encode(b"\x04" + seed).decode()
    body = format_checkpoint("example.com/behind-the-sofa", 20852163, ROOT)
    line = cosign(body, skey, 1679315147)
    assert line.startswith("— witness.example/w1 ") and line.endswith("\n")
    raw = base64.b64decode(line.split(" ")[2])
    assert raw[:4] == kid.to_bytes(4, "big")
    assert raw[4:12] == (1679315147).to_bytes(8, "big")
    signed = b"cosignature/v1\ntime 1679315147\n" + body.encode()
    assert raw[12:] == priv.sign(signed)  # Ed25519 is deterministic
    assert len(raw) == 4 + 8 + 64


def test_witness_key_and_cosign_verify():
    log_skey, log_vkey = generate_key("truyxuat.example/log")
    w_skey, w_vkey = generate_witness_key("witness.example/w1")
    assert base64.b64decode(w_vkey.split("+", 2)[2])[0] == 0x04
    body = format_checkpoint("truyxuat.example/log", 42, ROOT)
    signed = sign_note(body, log_skey)
    line = cosign(body, w_skey, 1700000000)
    assert verify_cosignature(body, line, w_vkey) == 1700000000
    full = add_signatures(signed, line)
    # Go's note.Open ignores the unknown 0x04 line; ours verifies both when given both keys.
    text, sigs = open_note(full, [log_vkey])
    assert text == body and len(sigs) == 1
    text, sigs = open_note(full, [log_vkey, w_vkey])
    assert [s.name for s in sigs] == ["truyxuat.example/log", "witness.example/w1"]
    assert sigs[1].timestamp == 1700000000
    # A witness alone can open the note too.
    assert open_note(full, [w_vkey])[0] == body


def test_cosignature_over_other_checkpoint_fails():
    w_skey, w_vkey = generate_witness_key("witness.example/w1")
    body = format_checkpoint("truyxuat.example/log", 42, ROOT)
    other = format_checkpoint("truyxuat.example/log", 43, ROOT)
    line = cosign(body, w_skey, 1700000000)
    with pytest.raises(InvalidSignatureError):
        verify_cosignature(other, line, w_vkey)
    # Changing the timestamp breaks it as well.
    raw = bytearray(base64.b64decode(line.split(" ")[2]))
    raw[11] ^= 1
    forged = "— witness.example/w1 " + base64.b64encode(bytes(raw)).decode() + "\n"
    with pytest.raises(InvalidSignatureError):
        verify_cosignature(body, forged, w_vkey)
    with pytest.raises(InvalidSignatureError):
        open_note(body + "\n" + forged, [w_vkey])
    # Go's note.Open checks only the first signature line of a known key; so do we.
    assert open_note(sign_note(body, w_skey, timestamp=5) + forged, [w_vkey])[1][0].timestamp == 5


def test_cosign_requires_witness_key():
    skey, vkey = generate_key("log")
    body = format_checkpoint("log", 1, ROOT)
    with pytest.raises(MalformedKeyError):
        cosign(body, skey, 1)
    with pytest.raises(MalformedKeyError):
        verify_cosignature(body, cosign(body, generate_witness_key("w")[0], 1), vkey)
    _, other_w = generate_witness_key("w2")
    with pytest.raises(UnknownKeyError):
        verify_cosignature(body, cosign(body, generate_witness_key("w")[0], 1), other_w)


def test_add_signatures_replaces_same_key():
    w_skey, w_vkey = generate_witness_key("w")
    log_skey, _ = generate_key("log")
    body = format_checkpoint("log", 1, ROOT)
    msg = add_signatures(sign_note(body, log_skey), cosign(body, w_skey, 1))
    msg = add_signatures(msg, cosign(body, w_skey, 2))
    _, sigs = parse_note(msg)
    assert [s.name for s in sigs] == ["log", "w"]
    assert sigs[1].timestamp == 2
    assert verify_cosignature(body, sigs[1], w_vkey) == 2
