"""The national hub is a node in hub mode (``TRUYXUAT_FEDERATION_HUB``): it pulls each node's published lots and
statistics (``GET /federation/published``, signed), answers a national search over them and sends a scan to the
node authoritative for it; it witnesses every node like any peer. Farm diaries stay in the provinces' nodes: the hub
keeps only what the nodes publish."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from accounts.permissions import Actor, is_platform_admin, require
from catalog.folding import fold_all
from catalog.models import Lot, Organization, Product
from catalog.selectors import digital_link, published_lots
from core import audit
from core.choices import AuditAction
from federation import client
from federation.choices import HubKind
from federation.models import HubRecord, Peer

PAGE = 5000


def published(limit: int = PAGE) -> dict[str, Any]:
    """What a node gives the hub: its published lots (names, links) and counts."""
    lots = [
        {
            "gtin": lot.product.gtin,
            "lot": lot.lot_code,
            "product": lot.product.name,
            "organization": lot.product.organization.name,
            "status": lot.status,
            "digital_link": digital_link(lot.product.gtin, lot.lot_code),
        }
        for lot in published_lots()[:limit]
    ]
    stats = {
        "organizations": Organization.objects.filter(status="approved").count(),
        "products": Product.objects.count(),
        "published_lots": published_lots().count(),
        "lots": Lot.objects.count(),
    }
    return {"node": settings.TRUYXUAT_FEDERATION_NAME, "lots": lots, "stats": stats}


@transaction.atomic
def store(*, actor: Actor, peer: Peer, answer: dict[str, Any]) -> int:
    """Replace what the hub holds of `peer` with its answer; returns the number of lots."""
    require(is_platform_admin(actor))
    lots = answer.get("lots", [])
    keep = []
    for lot in lots:
        key = f"{lot['gtin']}/{lot['lot']}"
        keep.append(key)
        HubRecord.objects.update_or_create(
            peer=peer,
            kind=HubKind.LOT,
            key=key,
            defaults={
                "name": f"{lot['product']} — {lot['lot']}"[:300],
                "search_text": fold_all([lot["product"], lot["organization"], lot["lot"], lot["gtin"], peer.name]),
                "data": lot,
            },
        )
    HubRecord.objects.filter(peer=peer, kind=HubKind.LOT).exclude(key__in=keep).delete()
    stats, _created = HubRecord.objects.update_or_create(
        peer=peer, kind=HubKind.STATS, key="stats", defaults={"name": peer.name, "data": answer.get("stats", {})}
    )
    audit.record(actor=actor, action=AuditAction.UPDATE, instance=stats, reason=f"{len(lots)} lots")
    return len(lots)


def pull_all(*, actor: Actor) -> dict[str, int | str]:
    """One pull from every active node (the hub's cron); a node that does not answer keeps what it had."""
    out: dict[str, int | str] = {}
    for peer in Peer.objects.filter(active=True, hub=False):
        try:
            answer = client.get_json(peer.base_url.rstrip("/") + "/federation/published")
        except client.Unreachable as exc:
            out[peer.name] = str(exc)
            continue
        out[peer.name] = store(actor=actor, peer=peer, answer=answer)
    return out
