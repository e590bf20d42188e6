"""The federation's parts in one process: identity, signatures, peers' directory, alarms, notices, pages."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ValidationError

from accounts.permissions import SYSTEM
from accounts.tests.factories import UserFactory
from core.errors import Forbidden
from federation import identity, notices, signing, witnessing
from federation.keys import fingerprint, node_keys
from federation.models import HubRecord, Peer, RecallNotice
from federation.selectors import Directory, national_search
from gs1.keys import with_check_digit
from ledger import checkpoints, merkle, note

pytestmark = pytest.mark.django_db

HTTP_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


def make_peer(**extra: object) -> Peer:
    skey, vkey = note.generate_key("peer.test/ledger")
    _wkey, witness = note.generate_witness_key("peer.test/ledger")
    fields = {
        "name": "Đắk Lắk",
        "base_url": "http://127.0.0.1:9",  # nothing listens: calls to it fail at once
        "origin": "peer.test/ledger",
        "ledger_key": vkey,
        "witness_key": witness,
        "http_keyid": "peer.test/ledger",
        "http_public_key": base64.b64encode(HTTP_KEY.public_key().public_bytes_raw()).decode(),
        "prefixes": ["8932002"],
        "glns": ["8932002000011"],
    } | extra
    peer = Peer.objects.create(**fields)
    peer.signer_key = skey  # type: ignore[attr-defined]
    return peer


def test_identity_is_signed_by_the_ledger_key_and_opens_only_with_it(settings) -> None:
    settings.TRUYXUAT_FEDERATION_NAME = "Quảng Ngãi"
    signed = identity.signed_document()
    doc = identity.open_document(signed, checkpoints.verifier_key())
    assert (doc["name"], doc["origin"], doc["witness_key"]) == (
        "Quảng Ngãi",
        checkpoints.origin(),
        node_keys().witness_key,
    )
    other = note.generate_key(checkpoints.origin())[1]
    with pytest.raises(identity.IdentityError):
        identity.open_document(signed, other)
    with pytest.raises(identity.IdentityError):
        identity.open_document(signed.replace("Quảng Ngãi", "Quang Ngai"), checkpoints.verifier_key())
    assert len(fingerprint(checkpoints.verifier_key()).split()) == 8


def test_signed_requests_verify_and_a_changed_body_or_url_does_not() -> None:
    url = "http://127.0.0.1:8000/federation/alarm"
    headers = signing.sign("POST", url, HTTP_KEY, "peer.test/ledger", b'{"a":1}')
    keys = {"peer.test/ledger": base64.b64encode(HTTP_KEY.public_key().public_bytes_raw()).decode()}
    assert signing.verify("POST", url, headers, b'{"a":1}', keys) == "peer.test/ledger"
    for changed_url, body in ((url, b'{"a":2}'), (url + "?x=1", b'{"a":1}')):
        with pytest.raises(signing.SignatureError):
            signing.verify("POST", changed_url, headers, body, keys)
    with pytest.raises(signing.SignatureError):
        signing.verify("POST", url, {}, b"", keys)


def test_directory_names_the_peer_by_gln_then_longest_prefix() -> None:
    peer = make_peer()
    directory = Directory.load()
    assert directory.owner(f"https://id.gs1.org/01/0{with_check_digit('893200200001')}/10/RX-01") == peer
    assert directory.owner("https://id.gs1.org/414/8932002000011") == peer
    assert directory.owner(f"https://id.gs1.org/01/0{with_check_digit('893100100001')}/10/CP-01") is None


def test_rollback_and_fork_raise_alarms_and_keep_what_was_seen() -> None:
    peer = make_peer()
    store = merkle.MemoryHashStore()
    store.extend([merkle.leaf_hash(bytes([i])) for i in range(8)])
    witnessing.check_extension(peer, 8, store.tree_hash(8), allow_older=False)
    with pytest.raises(witnessing.FederationAlarm, match="thu nhỏ từ 8 xuống 5"):
        witnessing.check_extension(peer, 5, store.tree_hash(5), allow_older=False)
    with pytest.raises(witnessing.FederationAlarm, match="Hai gốc khác nhau"):
        witnessing.check_extension(peer, 8, store.tree_hash(7), allow_older=True)
    peer.refresh_from_db()
    assert (peer.seen_size, peer.seen_root) == (8, base64.b64encode(store.tree_hash(8)).decode())
    assert [a.kind for a in witnessing.LedgerAlarm.objects.order_by("id")] == ["rollback", "inconsistent"]


def test_a_notice_needs_the_recall_proved_in_the_senders_ledger() -> None:
    peer = make_peer()
    with pytest.raises(ValidationError):
        notices.receive_notice(peer=peer, payload={"code": "TH-1", "evidence": {"records": []}})
    assert not RecallNotice.objects.exists()


def test_acknowledging_needs_an_officer(agency) -> None:
    peer = make_peer()
    notice = RecallNotice.objects.create(
        direction="incoming", peer=peer, code="TH-1", reason="Nấm mốc", hazard_class="II", status="received"
    )
    with pytest.raises(Forbidden):
        notices.acknowledge_notice(actor=UserFactory(), notice=notice)
    done = notices.acknowledge_notice(actor=UserFactory(agency=agency), notice=notice, note="Đã niêm phong")
    assert (done.status, done.ack_note, done.sent_at) == ("acknowledged", "Đã niêm phong", None)


def test_unsigned_posts_are_refused(client) -> None:
    answer = client.post("/federation/recalls/notice", data=b"{}", content_type="application/json")
    assert answer.status_code == 401
    assert json.loads(answer.content)["title"] == "Chữ ký yêu cầu không hợp lệ / Invalid request signature"


def test_officer_pages_queue_and_acknowledge(client, agency) -> None:
    peer = make_peer()
    notice = RecallNotice.objects.create(
        direction="incoming",
        peer=peer,
        code="TH-7",
        reason="Nấm mốc Ochratoxin A",
        hazard_class="II",
        status="received",
    )
    client.force_login(UserFactory(agency=agency))
    page = client.get("/oversight/lien-thong/thu-hoi/").content.decode()
    assert "TH-7 — Đắk Lắk" in page and "Nấm mốc Ochratoxin A" in page
    answer = client.post(f"/oversight/lien-thong/thu-hoi/{notice.pk}/xac-nhan/", {"note": "Đã rút 0,5 tấn"})
    assert answer.status_code == 302
    notice.refresh_from_db()
    assert (notice.status, notice.ack_note) == ("acknowledged", "Đã rút 0,5 tấn")
    peers_page = client.get("/oversight/lien-thong/").content.decode()
    assert "Đắk Lắk" in peers_page and "Thêm tỉnh liên thông" not in peers_page  # officers do not add peers


def test_chain_page_refuses_a_malformed_code_and_the_hub_searches(client, settings) -> None:
    answer = client.get("/lien-tinh/?ma=abc")
    assert answer.status_code == 400 and "Mã này không đúng định dạng GS1." in answer.content.decode()
    assert client.get("/quoc-gia/tim-kiem/?q=ca+phe").status_code == 404
    settings.TRUYXUAT_FEDERATION_HUB = True
    peer = make_peer()
    HubRecord.objects.create(
        peer=peer,
        kind="lot",
        key="x/RX-01",
        name="Cà phê rang xay — RX-01",
        search_text="ca phe rang xay rx-01 dak lak",
        data={"organization": "Công ty Rang"},
    )
    assert [r.key for r in national_search("Cà phê RANG")] == ["x/RX-01"]
    page = client.get("/quoc-gia/tim-kiem/?q=rang").content.decode()
    assert "Cà phê rang xay — RX-01" in page


def test_adding_a_peer_is_for_platform_admins(officer) -> None:
    from federation import services

    with pytest.raises(Forbidden):
        services.add_peer(actor=officer, base_url="http://127.0.0.1:9", ledger_key="k", confirmed=True)
    with pytest.raises(ValidationError, match="Không kết nối được"):
        services.add_peer(actor=SYSTEM, base_url="http://127.0.0.1:9", ledger_key="k", confirmed=True)


def test_the_witness_list_publishes_each_active_peers_cosignature_key(client) -> None:
    daklak = make_peer(province_code=66)
    make_peer(name="Cũ", base_url="http://127.0.0.1:10", origin="old.test/ledger", http_keyid="old", active=False)
    answer = client.get("/federation/witnesses")
    assert (answer.status_code, answer["Access-Control-Allow-Origin"]) == (200, "*")
    assert answer.json() == {
        "origin": checkpoints.origin(),
        "witnesses": [
            {
                "name": "Đắk Lắk",
                "origin": "peer.test/ledger",
                "province_code": 66,
                "hub": False,
                "witness_key": daklak.witness_key,
            }
        ],
    }


def test_a_remote_parts_cosigners_are_those_that_verify() -> None:
    from federation.trace import verified_cosigners

    peer = make_peer()
    other_skey, other_vkey = note.generate_witness_key("other.test/ledger")
    make_peer(
        name="Sơn La",
        base_url="http://127.0.0.1:11",
        origin="other.test/ledger",
        http_keyid="o",
        witness_key=other_vkey,
    )
    text = note.format_checkpoint("peer.test/ledger", 8, bytes(32))
    signed = note.sign_note(text, peer.signer_key)  # type: ignore[attr-defined]
    stranger = note.generate_witness_key("stranger.test/ledger")[0]
    good = note.cosign(text, other_skey, 1_790_000_000)
    head, b64 = good.rstrip("\n").rsplit(" ", 1)
    forged = f"{head} {b64[:-4]}{'AAAA' if b64[-4:] != 'AAAA' else 'BBBB'}\n"
    ours = note.cosign(text, node_keys().witness, 1_790_000_000)
    assert verified_cosigners(peer, note.add_signatures(signed, good, ours)) == 2
    assert verified_cosigners(peer, note.add_signatures(signed, note.cosign(text, stranger, 1_790_000_000))) == 0
    assert verified_cosigners(peer, note.add_signatures(signed, forged)) == 0
