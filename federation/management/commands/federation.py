"""``truyxuat federation``: the node's side of federation from the command line and cron.

truyxuat federation identity               # print the signed identity and this node's key fingerprint
truyxuat federation add-peer URL KEY --confirmed [--share-before-publication]
truyxuat federation witness                # witness every peer once (cron: every minute)
truyxuat federation sync                   # deliver pending recall notices and acknowledgements
truyxuat federation hub-pull               # hub mode: pull every node's published lots and counts
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.permissions import SYSTEM
from federation import hub, identity, notices, services, witnessing
from federation.keys import fingerprint
from ledger import checkpoints


class Command(BaseCommand):
    help = "Federation between provinces' nodes: identity, peers, witnessing, recall notices, the hub's pull."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("identity")
        add = sub.add_parser("add-peer")
        add.add_argument("url")
        add.add_argument("key", help="the peer's ledger verifier key (its fingerprint confirmed out of band)")
        add.add_argument("--confirmed", action="store_true")
        add.add_argument("--share-before-publication", action="store_true")
        sub.add_parser("witness")
        sub.add_parser("sync")
        sub.add_parser("hub-pull")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "identity":
            self.stdout.write(identity.signed_document())
            self.stdout.write(f"fingerprint: {fingerprint(checkpoints.verifier_key())}")
        elif action == "add-peer":
            try:
                peer = services.add_peer(
                    actor=SYSTEM,
                    base_url=options["url"],
                    ledger_key=options["key"],
                    confirmed=options["confirmed"],
                    share_before_publication=options["share_before_publication"],
                )
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
            self.stdout.write(f"{peer.name} ({peer.origin}): {fingerprint(peer.ledger_key)}")
        elif action == "witness":
            failed = 0
            for result in witnessing.witness_all():
                failed += bool(result.error)
                self.stdout.write(f"{result.peer}: {result.old_size} -> {result.size} {result.error}".rstrip())
            if failed:
                raise CommandError(f"{failed} peer(s) not witnessed", returncode=3)
        elif action == "sync":
            self.stdout.write(f"{notices.deliver_pending()} delivered")
        elif action == "hub-pull":
            if not settings.TRUYXUAT_FEDERATION_HUB:
                raise CommandError("not a hub (TRUYXUAT_FEDERATION_HUB)")
            for name, pulled in hub.pull_all(actor=SYSTEM).items():
                self.stdout.write(f"{name}: {pulled}")
