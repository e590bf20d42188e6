"""Issue 23's done-when: three provinces' nodes and the national hub on loopback, each its own process, SQLite
database, keys and port. Coffee grown on A (Quảng Ngãi), roasted on B (Đắk Lắk), sold on C (Hồ Chí Minh City)."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.tests.served import sqlite_template
from federation.tests.nodes import Node, start, stop

ROLES = ["farm", "roaster", "shop", "hub"]


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory, django_db_setup: None) -> Iterator[dict[str, Node]]:
    """The four nodes, each from a copy of the run's migrated SQLite template (`core.tests.served`): a fresh
    install's database, with the reference rows its data migrations seed."""
    started = start(str(sqlite_template()), Path(tmp_path_factory.mktemp("federation")), ROLES)
    try:
        for node in started.values():
            node.send("setup", role=node.role)
        for node in started.values():
            node.data = node.receive()
        for node in started.values():
            peers = [{"url": o.url, "key": o.data["ledger_key"]} for o in started.values() if o is not node]
            node.send("add_peers", peers=peers)
        for node in started.values():
            node.receive()
        yield started
    finally:
        stop(started)


def test_three_provinces_trace_recall_witness_hub_and_discovery(nodes: dict[str, Node]) -> None:
    farm, roaster, shop, hub = nodes["farm"], nodes["roaster"], nodes["shop"], nodes["hub"]

    # Witnessing: each node cosigns the others' checkpoints; A serves its checkpoint with their cosignatures.
    for node in nodes.values():
        node.send("witness")
    for node in nodes.values():
        assert [w["error"] for w in node.receive()] == ["", "", ""]
    checkpoint = farm.get("/ledger/checkpoint")[2]
    assert sorted(line.split()[1] for line in checkpoint.splitlines() if line.startswith("— ")) == [
        "farm.truyxuat.test/ledger",
        "hub.truyxuat.test/ledger",
        "roaster.truyxuat.test/ledger",
        "shop.truyxuat.test/ledger",
    ]

    # Cross-node trace from C's shop lot reaches A's plot, every remote part verified against its node's ledger.
    found = shop.run("trace", identifier=shop.data["lot"])
    assert found["provinces"] == ["Quảng Ngãi", "Đắk Lắk", "TP. Hồ Chí Minh"]
    assert [(p["node"], p["key"], p["verified"], p["error"], len(p["events"])) for p in found["parts"]] == [
        ("TP. Hồ Chí Minh", shop.data["lot"], True, "", 1),
        ("Đắk Lắk", roaster.data["lot"], True, "", 2),
        ("Quảng Ngãi", farm.data["lot"], True, "", 2),
    ]
    assert found["parts"][2]["where"][0].endswith("/254/VUON-03")  # A's plot
    status, _headers, page = shop.get("/lien-tinh/?" + urllib.parse.urlencode({"ma": shop.data["lot"]}))
    assert status == 200
    assert "<strong>Quảng Ngãi</strong> → <strong>Đắk Lắk</strong> → <strong>TP. Hồ Chí Minh</strong>" in page
    assert page.count("đã kiểm chứng với sổ cái") == 5
    assert "Sổ cái của Đắk Lắk được 3 tỉnh khác đồng chứng." in page  # A, C and the hub witnessed B

    # Before publication: B's unpublished lot shipped to C's shop. C's officers see the shipment (that event only,
    # proved in B's ledger) once B shares with C; never the consumer's page, nor while B does not share.
    unpublished = roaster.run("ship_unpublished")
    assert shop.run("trace", identifier=unpublished, shared=True)["parts"] == []
    assert roaster.run("share_with", name="TP. Hồ Chí Minh", on=True) is True
    shop.run("clear_cache")  # C keeps verified parts TRUYXUAT_FEDERATION_CACHE_SECONDS: B's change shows after
    shared = shop.run("trace", identifier=unpublished, shared=True)
    assert [(p["node"], p["verified"], p["error"], len(p["events"])) for p in shared["parts"]] == [
        ("Đắk Lắk", True, "", 1)
    ]
    assert shop.run("trace", identifier=unpublished)["parts"] == []
    assert hub.run("trace", identifier=unpublished, shared=True)["parts"] == []  # not shipped to the hub
    assert roaster.run("share_with", name="TP. Hồ Chí Minh", on=False) is False
    shop.run("clear_cache")
    assert shop.run("trace", identifier=unpublished, shared=True)["parts"] == []

    # A recall on A reaches B's and C's officers; their acknowledgements come back to A's recall.
    assert farm.run("start_recall")["peers"] == ["TP. Hồ Chí Minh", "Đắk Lắk"]
    for node in (roaster, shop):
        [notice] = node.run("incoming")
        assert (notice["peer"], notice["status"]) == ("Quảng Ngãi", "received")
    assert roaster.run("incoming")[0]["lots"] == sorted([farm.data["lot"], roaster.data["lot"]])
    assert roaster.run("acknowledge", note="Đã niêm phong 80 kg tại kho") == 1
    assert shop.run("acknowledge", note="Đã rút khỏi quầy") == 1
    assert [(o["peer"], o["status"], o["note"]) for o in farm.run("outgoing")] == [
        ("TP. Hồ Chí Minh", "acknowledged", "Đã rút khỏi quầy"),
        ("Đắk Lắk", "acknowledged", "Đã niêm phong 80 kg tại kho"),
    ]

    # The hub aggregates A, B and C and answers a national search.
    assert hub.run("hub_pull") == {"Quảng Ngãi": 1, "Đắk Lắk": 1, "TP. Hồ Chí Minh": 1}
    status, _headers, page = hub.get("/quoc-gia/tim-kiem/?q=ca+phe+rang")
    assert status == 200 and "Cà phê rang xay — RX-01" in page and "(Đắk Lắk)" in page
    assert "Cà phê gói" not in page

    # Discovery: A's product scanned on C goes to A.
    path = f"/01/{farm.data['gtin']}/10/{farm.data['lot_code']}"
    status, headers, _page = shop.get(path)
    assert (status, headers["Location"]) == (307, farm.url + path)

    # A tampered answer from B (the roasting's quantity changed behind its ledger) is refused and raised.
    assert roaster.run("tamper", lot_code="RX-01") == 1
    shop.run("clear_cache")
    tampered = shop.run("trace", identifier=shop.data["lot"])
    assert [(p["node"], p["verified"], p["error"]) for p in tampered["parts"]] == [
        ("TP. Hồ Chí Minh", True, ""),
        ("Đắk Lắk", False, "refused"),
    ]
    assert [a["origin"] for a in shop.run("alarms")] == ["roaster.truyxuat.test/ledger"]
    assert [a["origin"] for a in roaster.run("alarms")] == ["roaster.truyxuat.test/ledger"]
