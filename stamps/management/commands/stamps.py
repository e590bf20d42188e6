"""`truyxuat stamps …`: approve batches, print label sheets with progress, RFID EPCs, a demo batch."""

from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.permissions import SYSTEM
from catalog.selectors import published_lots
from gs1.binary import decode_sgtin96
from stamps import printing, services
from stamps.choices import LabelLayout
from stamps.models import StampBatch


class Command(BaseCommand):
    help = "Stamp batches: approve, labels (PDF), printed, epc, demo."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        approve = sub.add_parser("approve", help="approve a requested batch (as the platform operator)")
        approve.add_argument("batch", type=int)
        labels = sub.add_parser("labels", help="write the label sheet PDF of an approved batch")
        labels.add_argument("batch", type=int)
        labels.add_argument("--output", "-o", required=True)
        labels.add_argument("--layout", choices=LabelLayout.values)
        printed = sub.add_parser("printed", help="confirm printing: erase the plain check codes")
        printed.add_argument("batch", type=int)
        epc = sub.add_parser("epc", help="SGTIN-96 EPCs of a batch as CSV, or decode one EPC")
        epc.add_argument("batch", nargs="?", type=int)
        epc.add_argument("--decode")
        demo = sub.add_parser("demo", help="request, approve and print a small batch for a published demo lot")
        demo.add_argument("--quantity", type=int, default=10)
        demo.add_argument("--output", "-o", default="demo-labels.pdf")
        demo.add_argument("--layout", choices=LabelLayout.values, default=LabelLayout.A4_65)

    def _batch(self, pk: int) -> StampBatch:
        batch = StampBatch.objects.select_related("organization", "product", "lot").filter(pk=pk).first()
        if batch is None:
            raise CommandError(f"no stamp batch #{pk}")
        return batch

    def _progress(self, done: int, total: int) -> None:
        self.stdout.write(f"  {done:,}/{total:,} ({done * 100 // max(total, 1)}%)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc

    def _approve(self, options: dict[str, Any]) -> None:
        batch = services.approve_batch(actor=SYSTEM, batch=self._batch(options["batch"]), progress=self._progress)
        self.stdout.write(f"approved batch #{batch.pk}: {batch.quantity} serials issued")

    def _labels(self, options: dict[str, Any]) -> None:
        batch = self._batch(options["batch"])
        pages = printing.render_batch(
            actor=SYSTEM, batch=batch, out=options["output"], layout=options["layout"], progress=self._progress
        )
        self.stdout.write(f"wrote {options['output']} ({pages} pages)")

    def _printed(self, options: dict[str, Any]) -> None:
        services.mark_printed(actor=SYSTEM, batch=self._batch(options["batch"]))
        self.stdout.write("check codes erased from the server")

    def _epc(self, options: dict[str, Any]) -> None:
        if options["decode"]:
            item = decode_sgtin96(options["decode"])
            self.stdout.write(f"{item.gtin} {item.serial} {item.tag_uri}")
            return
        if options["batch"] is None:
            raise CommandError("give a batch id or --decode HEX")
        out = sys.stdout if self.stdout._out is sys.stdout else self.stdout  # type: ignore[attr-defined]
        out.write("serial,sgtin96\n")
        for serial, epc in printing.batch_epcs(self._batch(options["batch"])):
            out.write(f"{serial},{epc}\n")

    def _demo(self, options: dict[str, Any]) -> None:
        lot = published_lots().filter(status="published").order_by("pk").first()
        if lot is None:
            raise CommandError("no published lot: run `truyxuat demo` first")
        batch = services.request_batch(
            actor=SYSTEM, product=lot.product, lot=lot, quantity=options["quantity"], layout=options["layout"]
        )
        batch = services.approve_batch(actor=SYSTEM, batch=batch, reason="Lô tem demo")
        pages = printing.render_batch(actor=SYSTEM, batch=batch, out=options["output"], progress=self._progress)
        self.stdout.write(f"batch #{batch.pk} for {lot}: wrote {options['output']} ({pages} pages)")
