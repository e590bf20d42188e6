"""`truyxuat ledger …`: keys, checkpoints, offline verification, witnessing and the tamper audit.

truyxuat ledger init [--force] [--witness NAME --out FILE]
truyxuat ledger key
truyxuat ledger checkpoint [--every SECONDS]
truyxuat ledger verify <bundle.json | URL> [--key VKEY] [--json]
truyxuat ledger witness --log-url URL --log-key VKEY --witness-key FILE --state FILE [--every SECONDS]
truyxuat ledger audit [--chunk N] [--quiet]
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger import checkpoints, note
from ledger.bundle import verify_bundle


class Command(BaseCommand):
    help = "Sổ cái / ledger: init, key, checkpoint, verify, witness, audit."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("init", help="create the log's Ed25519 signer key (or a witness key)")
        p.add_argument("--force", action="store_true", help="overwrite an existing key file (key rotation)")
        p.add_argument("--witness", metavar="NAME", help="make a cosignature/v1 witness key named NAME instead")
        p.add_argument("--out", metavar="FILE", help="where to write the witness key")
        sub.add_parser("key", help="print the log's verifier key")
        p = sub.add_parser("checkpoint", help="sign a checkpoint if the log grew")
        p.add_argument("--every", type=float, metavar="SECONDS", help="keep signing every SECONDS")
        p = sub.add_parser("verify", help="verify a proof bundle offline (file or URL)")
        p.add_argument("bundle", help="bundle.json, '-' for stdin, or an http(s) URL")
        p.add_argument("--key", help="the ledger's verifier key to pin (recommended)")
        p.add_argument("--json", action="store_true", help="print the report as JSON")
        p = sub.add_parser("witness", help="witness another log's checkpoint")
        p.add_argument("--log-url", required=True, help="base URL of the log's node, e.g. https://truyxuat.example")
        p.add_argument("--log-key", required=True, help="the log's verifier key")
        p.add_argument("--witness-key", required=True, type=Path, help="file with the witness's signer key")
        p.add_argument("--state", required=True, type=Path, help="state file: the last checkpoint seen")
        p.add_argument("--no-post", action="store_true", help="check and cosign, but do not send it to the log")
        p.add_argument("--every", type=float, metavar="SECONDS", help="keep witnessing every SECONDS")
        p = sub.add_parser("audit", help="recompute every leaf and the tree; name tampered records")
        p.add_argument("--chunk", type=int, default=20000, help="leaves per database round trip")
        p.add_argument("--quiet", action="store_true", help="no progress lines")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        getattr(self, f"do_{action}")(options)

    # -- init / key / checkpoint -------------------------------------------------------------

    def do_init(self, options: dict[str, Any]) -> None:
        if options.get("witness"):
            out = options.get("out")
            if not out:
                raise CommandError("--witness needs --out FILE")
            skey, vkey = note.generate_witness_key(options["witness"])
            path = Path(out)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if options["force"] else os.O_EXCL), 0o600)
            except FileExistsError:
                raise CommandError(f"{path} exists; use --force to overwrite") from None
            with os.fdopen(fd, "w") as f:
                f.write(skey + "\n")
            self.stdout.write(f"Khoá nhân chứng / witness key written to {path}. Verifier key:")
            self.stdout.write(vkey)
            return
        path = checkpoints.key_file()
        if path.exists() and not options["force"]:
            raise CommandError(
                f"{path} already exists; refusing to overwrite the ledger's signing key. "
                "Use --force only to rotate it (see README, 'Ledger'). / Khoá đã tồn tại."
            )
        vkey = checkpoints.write_key(path, checkpoints.origin(), force=options["force"])
        self.stdout.write(f"Khoá ký sổ cái / ledger signer key written to {path} (mode 0600).")
        self.stdout.write("Khoá xác minh / verifier key (publish it):")
        self.stdout.write(vkey)

    def do_key(self, options: dict[str, Any]) -> None:
        self.stdout.write(checkpoints.verifier_key())

    def do_checkpoint(self, options: dict[str, Any]) -> None:
        every = options.get("every")
        while True:
            cp = checkpoints.sign_checkpoint()
            if cp is not None:
                self.stdout.write(f"checkpoint {cp.size} {note.parse_note(cp.note)[0].splitlines()[2]}")
            if not every:
                return
            time.sleep(every)

    # -- verify --------------------------------------------------------------------------------

    def do_verify(self, options: dict[str, Any]) -> None:
        src = options["bundle"]
        try:
            if src.startswith(("http://", "https://")):
                req = urllib.request.Request(src, headers={"Accept": "application/json"})
                with urllib.request.urlopen(req, timeout=30) as r:
                    raw = r.read()
            elif src == "-":
                raw = sys.stdin.buffer.read()
            else:
                raw = Path(src).read_bytes()
        except (OSError, urllib.error.URLError) as exc:
            raise CommandError(f"không đọc được / cannot read {src}: {exc}") from exc
        report = verify_bundle(raw, pinned_key=options.get("key"))
        if options["json"]:
            self.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        else:
            subject = report.subject if isinstance(report.subject, dict) else {}
            if subject:
                self.stdout.write("Đối tượng / subject: " + ", ".join(f"{k}={v}" for k, v in subject.items()))
            for r in report.records:
                mark = "✓" if r.ok else "✗"
                self.stdout.write(f"  {mark} {r.kind or '?'} #{r.leaf_index}: {r.message_vi} / {r.message_en}")
            style = self.style.SUCCESS if report.ok else self.style.ERROR
            self.stdout.write(style(report.summary_vi))
            self.stdout.write(style(report.summary_en))
            if report.ok and not options.get("key"):
                self.stdout.write(
                    "Lưu ý: khoá xác minh lấy từ chính gói bằng chứng; dùng --key để so với khoá đã công bố. / "
                    "Note: the key came from the bundle itself; pass --key to pin the published key."
                )
        if not report.ok:
            raise SystemExit(1)

    # -- witness -------------------------------------------------------------------------------

    def do_witness(self, options: dict[str, Any]) -> None:
        from ledger import witness

        try:
            wkey = options["witness_key"].read_text().strip()
        except OSError as exc:
            raise CommandError(f"cannot read the witness key: {exc}") from exc
        while True:
            try:
                res = witness.witness_once(
                    log_url=options["log_url"],
                    log_key=options["log_key"],
                    witness_key=wkey,
                    state_file=options["state"],
                    post=not options["no_post"],
                )
            except witness.WitnessAlarm as exc:
                self.stderr.write(self.style.ERROR(f"CẢNH BÁO / ALARM ({exc.kind}): {exc}"))
                raise SystemExit(3) from exc
            except (witness.WitnessError, note.NoteError) as exc:
                self.stderr.write(self.style.ERROR(f"witness: {exc}"))
                if not options.get("every"):
                    raise SystemExit(1) from exc
            else:
                seen = f"{res.old_size} → {res.size}" if res.old_size is not None else f"{res.size} (first seen)"
                sent = "sent to the log" if res.posted else "not sent"
                self.stdout.write(f"witnessed {res.origin} size {seen}, root {res.root}; cosignature {sent}")
            if not options.get("every"):
                return
            time.sleep(options["every"])

    # -- audit ---------------------------------------------------------------------------------

    def do_audit(self, options: dict[str, Any]) -> None:
        from ledger.audit import run_audit

        progress = None if options["quiet"] else (lambda line: self.stdout.write(line))
        write_audit(self, run_audit(chunk=options["chunk"], progress=progress))


def write_audit(command: BaseCommand, result: Any) -> None:
    """Print an audit's problems, warnings and summary (`ledger.audit.run_audit`); exit 2 when it found any."""
    for line in result.problems:
        command.stdout.write(command.style.ERROR(line))
    for line in result.warnings:
        command.stdout.write(command.style.WARNING(line))
    command.stdout.write((command.style.SUCCESS if result.ok else command.style.ERROR)(result.summary()))
    if not result.ok:
        raise SystemExit(2)
