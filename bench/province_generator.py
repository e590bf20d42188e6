"""A synthetic province of EPCIS events: farms → collectors → processors → distributors → shops.

    from bench.province_generator import Province
    for org_index, events in Province(seed=1).batches(1_000_000): ...

Each *cycle* (a harvest season of one collection area) produces, with realistic mixing and splitting:
farms commission lots and ship them to a collector, who receives them and mixes them into one collector lot
(TransformationEvent); processors receive several collector lots, each processing batch turns them into
several product lots (splitting) that are packed on pallets (AggregationEvent, SSCC) and shipped to
distributors, who receive them and ship cartons of each lot to shops, which receive them. Every few cycles
a blending plant mixes batches from many processors (coffee blends, feed premix), so some lots reach
thousands of others; an additive supplier's lots go into many batches, for recall scopes of 100,000 lots.
Every `HUB_EVERY` cycles a *hub* adds big mixing and splitting nodes whose reach is bounded (for trace
benchmarks of lots reaching 1,000–10,000 lots): a big collector mixes 500–3,000 farm lots (GTIN `HUB_FARM`)
into one hub lot (`HUB_LOT`), a packer splits it into 200–3,000 retail lots (`HUB_RETAIL`), and a distributor
ships those to many shops, 25 lots per shipment. None of them enters the blend pool.
All identifiers are valid GS1 keys (GTIN/SSCC/GLN with check digits) under the provincial prefix.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]
PREFIX = "8930000"
HUB_FARM, HUB_LOT, HUB_RETAIL = 996, 998, 997  # product numbers of the hub's farm, mixed and retail lots
HUB_EVERY = 250


def check_digit(digits: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def gtin(n: int) -> str:
    body = f"0{PREFIX}{n:05d}"
    return body + check_digit(body)


def gln(n: int) -> str:
    body = f"{PREFIX}{n:05d}"
    return body + check_digit(body)


def sscc(n: int) -> str:
    body = f"0{PREFIX}{n:09d}"
    return body + check_digit(body)


def lot_key(g: str, lot: str) -> str:
    return f"https://id.gs1.org/01/{g}/10/{lot}"


class Province:
    """Deterministic generator (seeded). Organisations are numbered: `org_index` says who captures a batch."""

    FARMS, COLLECTORS, PROCESSORS, DISTRIBUTORS, SHOPS = 2000, 100, 20, 10, 400

    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.serial = 0
        self.day = 0
        self.blend_pool: list[str] = []
        self.additives: list[str] = []
        self.cycles = 0

    def _lot(self, product: int) -> str:
        self.serial += 1
        return lot_key(gtin(product), f"L{self.serial}")

    def _time(self, hour: int) -> str:
        day = self.day % 365
        return f"2026-{1 + day // 31 % 12:02d}-{1 + day % 28:02d}T{hour:02d}:{self.rng.randrange(60):02d}:00+07:00"

    def _event(self, typ: str, hour: int, place: int, **body: Any) -> dict[str, Any]:
        loc = {"id": f"https://id.gs1.org/414/{gln(place)}"}
        return {
            "type": typ,
            "eventTime": self._time(hour),
            "eventTimeZoneOffset": "+07:00",
            "readPoint": loc,
            "bizLocation": loc,
            **body,
        }

    def _commission(self, farm: int, lot: str) -> dict[str, Any]:
        """A farm commissions a harvested lot (100 kg) at 05:00."""
        return self._event(
            "ObjectEvent",
            5,
            farm,
            action="ADD",
            bizStep="commissioning",
            disposition="active",
            epcList=[],
            quantityList=[self._q(lot)],
        )

    @staticmethod
    def _q(key: str, qty: float = 100.0) -> dict[str, Any]:
        return {"epcClass": key, "quantity": qty, "uom": "KGM"}

    def _ship(self, objs: list[str], src: int, dst: int, hour: int, parent: bool = False) -> tuple[dict, dict]:
        what: dict[str, Any] = (
            {"epcList": objs, "quantityList": []}
            if parent
            else {"epcList": [], "quantityList": [self._q(k) for k in objs]}
        )
        parties = {
            "sourceList": [{"type": "owning_party", "source": f"https://id.gs1.org/417/{gln(src)}"}],
            "destinationList": [{"type": "owning_party", "destination": f"https://id.gs1.org/417/{gln(dst)}"}],
        }
        ship = self._event(
            "ObjectEvent", hour, src, action="OBSERVE", bizStep="shipping", disposition="in_transit", **what, **parties
        )
        recv = self._event(
            "ObjectEvent",
            hour + 4,
            dst,
            action="OBSERVE",
            bizStep="receiving",
            disposition="in_progress",
            **what,
            **parties,
        )
        return ship, recv

    def cycle(self) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        """One season of one collection area (about 130 events)."""
        rng = self.rng
        self.day += 1
        collector = rng.randrange(self.COLLECTORS)
        c_org = 10_000 + collector
        farm_lots = []
        for _ in range(rng.randint(8, 14)):
            farm = rng.randrange(self.FARMS)
            lot = self._lot(1 + farm % 50)
            farm_lots.append(lot)
            ship, recv = self._ship([lot], farm, c_org, 6)
            yield (
                farm,
                [
                    self._commission(farm, lot),
                    ship,
                ],
            )
            yield c_org, [recv]
        mixed = self._lot(100 + collector)
        proc = 20_000 + rng.randrange(self.PROCESSORS)
        c_ship, c_recv = self._ship([mixed], c_org, proc, 12)
        yield (
            c_org,
            [
                self._event(
                    "TransformationEvent",
                    10,
                    c_org,
                    bizStep="commissioning",
                    inputQuantityList=[self._q(k) for k in farm_lots],
                    outputQuantityList=[self._q(mixed, 1000)],
                ),
                c_ship,
            ],
        )
        inputs = [mixed]
        if self.additives and rng.random() < 0.9:
            inputs.append(rng.choice(self.additives))
        if self.blend_pool and rng.random() < 0.5:
            inputs.append(rng.choice(self.blend_pool))
        outputs = [self._lot(300 + proc % 100) for _ in range(rng.randint(4, 8))]
        events = [
            c_recv,
            self._event(
                "TransformationEvent",
                14,
                proc,
                bizStep="commissioning",
                inputQuantityList=[self._q(k) for k in inputs],
                outputQuantityList=[self._q(k) for k in outputs],
            ),
        ]
        pallets = []
        for i in range(0, len(outputs), 2):
            self.serial += 1
            pallet = f"https://id.gs1.org/00/{sscc(self.serial)}"
            pallets.append((pallet, outputs[i : i + 2]))
            events.append(
                self._event(
                    "AggregationEvent",
                    15,
                    proc,
                    action="ADD",
                    bizStep="packing",
                    parentID=pallet,
                    childEPCs=[],
                    childQuantityList=[self._q(k) for k in outputs[i : i + 2]],
                )
            )
        self.blend_pool = (self.blend_pool + outputs[:1])[-50:]
        yield proc, events
        for pallet, lots in pallets:
            dist = 30_000 + rng.randrange(self.DISTRIBUTORS)
            ship, recv = self._ship([pallet], proc, dist, 16, parent=True)
            yield proc, [ship]
            d_events = [recv]
            shop_receipts = []
            for lot in lots:
                for _ in range(rng.randint(2, 4)):
                    shop = 40_000 + rng.randrange(self.SHOPS)
                    s_ship, s_recv = self._ship([lot], dist, shop, 8)
                    d_events.append(s_ship)
                    shop_receipts.append((shop, s_recv))
            yield dist, d_events
            for shop, recv_event in shop_receipts:
                yield shop, [recv_event]

    def hub(self) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        """A big mixing node and a big splitting node (bounded reach: about 700–6,000 lots)."""
        rng = self.rng
        self.day += 1
        collector, packer, dist = 60_000 + rng.randrange(10), 61_000 + rng.randrange(10), 30_000
        farm_lots = [self._lot(HUB_FARM) for _ in range(rng.randint(500, 3000))]
        for i in range(0, len(farm_lots), 100):  # commissioned by many farms (organisation = first farm)
            farm = rng.randrange(self.FARMS)
            yield (
                farm,
                [self._commission(farm, lot) for lot in farm_lots[i : i + 100]],
            )
        hub = self._lot(HUB_LOT)
        retail = [self._lot(HUB_RETAIL) for _ in range(rng.randint(200, 3000))]
        yield (
            collector,
            [
                self._event(
                    "TransformationEvent",
                    10,
                    collector,
                    bizStep="commissioning",
                    inputQuantityList=[self._q(k) for k in farm_lots],
                    outputQuantityList=[self._q(hub, 10_000)],
                )
            ],
        )
        yield (
            packer,
            [
                self._event(
                    "TransformationEvent",
                    12,
                    packer,
                    bizStep="commissioning",
                    inputQuantityList=[self._q(hub, 10_000)],
                    outputQuantityList=[self._q(k, 5) for k in retail],
                )
            ],
        )
        for i in range(0, len(retail), 25):
            shop = 40_000 + rng.randrange(self.SHOPS)
            ship, recv = self._ship(retail[i : i + 25], dist, shop, 8)
            yield dist, [ship]
            yield shop, [recv]

    def batches(self, n_events: int) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        """Batches of events (one organisation each) until about `n_events` have been produced."""
        produced = 0
        self.additives = [self._lot(999) for _ in range(5)]
        for key in self.additives:
            yield (
                50_000,
                [
                    self._event(
                        "ObjectEvent",
                        5,
                        50_000,
                        action="ADD",
                        bizStep="commissioning",
                        disposition="active",
                        epcList=[],
                        quantityList=[self._q(key)],
                    )
                ],
            )
        while produced < n_events:
            self.cycles += 1
            gen = self.hub() if self.cycles % HUB_EVERY == 0 else self.cycle()
            for org, events in gen:
                produced += len(events)
                yield org, events
