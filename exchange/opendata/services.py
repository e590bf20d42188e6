"""Open-data releases (files on disk, each hashed into the ledger) and the paged pull by cursor.

A release is a full snapshot or the changes of a time window (since the previous release's cursor): one CSV, one
JSON and one Parquet file per dataset, and `datapackage.json` (Frictionless Data Package v1) describing them with
table schemas, byte sizes and SHA-256 hashes. Each file is an `OpenDataFile` row and a ledger leaf in the release's
transaction, so a warehouse verifies what it received against the public log. The pull API pages each dataset
by an opaque cursor (record time and id): records published after the cursor, oldest first.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import hashlib
import json
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.permissions import Actor
from core import audit
from exchange.choices import ReleaseKind
from exchange.models import OpenDataFile, OpenDataRelease
from exchange.opendata.datasets import DATASETS, STATS_FIELDS, Field, stats_rows
from ledger.services import append_record

BATCH = 20_000
MEDIA = {"csv": "text/csv", "json": "application/json", "parquet": "application/vnd.apache.parquet"}


def encode_cursor(time: dt.datetime, pk: int) -> str:
    return f"{time.astimezone(dt.UTC).isoformat()}~{pk}"


def decode_cursor(text: str) -> tuple[dt.datetime, int]:
    try:
        time, pk = text.rsplit("~", 1)
        value = dt.datetime.fromisoformat(time)
        if value.tzinfo is None:
            raise ValueError(text)
        return value, int(pk)
    except ValueError as exc:
        raise ValidationError({"since": _("Mốc không hợp lệ / Invalid cursor: %(c)s") % {"c": text[:80]}}) from exc


def _plain(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if kind == "date":
        return value.isoformat()
    if kind == "number":
        return float(value) if isinstance(value, decimal.Decimal) else value
    return value


def pull(dataset: str, since: str = "", limit: int = 100) -> dict[str, Any]:
    """A page of a dataset's records after `since` (oldest first) and the cursor to ask from next."""
    if dataset not in DATASETS:
        raise ValidationError({"dataset": _("Không có bộ dữ liệu %(d)s / No such dataset.") % {"d": dataset[:40]}})
    if not 1 <= limit <= 1000:
        raise ValidationError({"limit": _("limit từ 1 đến 1000 / limit from 1 to 1000.")})
    d = DATASETS[dataset]
    kinds = {name: kind for name, kind, _desc in d.fields}
    rows = list(d.records(decode_cursor(since) if since else None, limit))
    items = [{k: _plain(v, kinds[k]) for k, v in row.items() if not k.startswith("_")} for row in rows]
    cursor = encode_cursor(rows[-1]["_time"], rows[-1]["_id"]) if rows else since
    return {"dataset": dataset, "items": items, "cursor": cursor, "more": len(rows) == limit}


def _schema(fields: Iterable[Field]) -> dict[str, Any]:
    return {"fields": [{"name": n, "type": t, "description": desc} for n, t, desc in fields]}


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _write(directory: Path, name: str, fields: tuple[Field, ...], rows: Iterable[dict[str, Any]]) -> int:
    """Write one dataset as CSV, JSON and Parquet in one pass over its rows; the number of rows."""
    import pyarrow as pa  # pyarrow (and numpy) load in the process that writes a release, not at start-up
    import pyarrow.parquet as pq

    types = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "date": pa.date32()}
    types["datetime"] = pa.timestamp("s", tz="UTC")
    names = [f[0] for f in fields]
    kinds = [f[1] for f in fields]
    arrow = pa.schema([pa.field(n, types[k]) for n, k in zip(names, kinds, strict=True)])
    count = 0
    with (
        (directory / f"{name}.csv").open("w", newline="", encoding="utf-8") as c,
        (directory / f"{name}.json").open("w", encoding="utf-8") as j,
        pq.ParquetWriter(str(directory / f"{name}.parquet"), arrow) as p,
    ):
        out = csv.writer(c)
        out.writerow(names)
        j.write("[")
        batch: list[list[Any]] = []

        def flush() -> None:
            columns: list[Any] = list(zip(*batch, strict=True)) if batch else [[] for _ in names]
            arrays = [pa.array(list(col), type=arrow.field(i).type) for i, col in enumerate(columns)]
            p.write_table(pa.Table.from_arrays(arrays, schema=arrow))
            batch.clear()

        for row in rows:
            values = [_plain(row[n], k) for n, k in zip(names, kinds, strict=True)]
            out.writerow(["" if v is None else v for v in values])
            j.write(("," if count else "") + json.dumps(dict(zip(names, values, strict=True)), ensure_ascii=False))
            raw = [row[n] for n in names]
            batch.append(
                [
                    (
                        float(v)
                        if k == "number" and v is not None
                        else v.astimezone(dt.UTC)
                        if k == "datetime" and v
                        else v
                    )
                    for v, k in zip(raw, kinds, strict=True)
                ]
            )
            count += 1
            if len(batch) >= BATCH:
                flush()
        flush()
        j.write("]")
    return count


def _check(actor: Actor) -> None:
    if not (
        permissions.is_agency_officer(actor)
        or permissions.is_platform_admin(actor)
        or getattr(actor, "username", "") == "system"
    ):
        raise PermissionDenied(_("Chỉ cán bộ quản lý mới phát hành dữ liệu mở."))


def release(
    *, actor: Actor, kind: str = ReleaseKind.SNAPSHOT, progress: Callable[[str, int], None] | None = None
) -> OpenDataRelease:
    """Write a release (snapshot, or changes since the last release) and record its files and their hashes."""
    _check(actor)
    previous = OpenDataRelease.objects.order_by("-created_at", "-id").first()
    since = previous.cursor if kind == ReleaseKind.CHANGES and previous else ""
    if kind == ReleaseKind.CHANGES and not since:
        raise ValidationError(_("Chưa có bản toàn bộ nào: hãy phát hành bản toàn bộ trước."))
    cutoff = timezone.now()
    stamp = cutoff.strftime("%Y%m%dT%H%M%S%fZ")
    directory = Path(settings.TRUYXUAT_OPEN_DATA_DIR) / f"{stamp}-{kind}"
    directory.mkdir(parents=True, exist_ok=False)
    try:
        counts: dict[str, int] = {}
        start = dt.datetime.fromisoformat(since) if since else None
        for name, d in DATASETS.items():
            rows = d.records(window=(start, cutoff))
            counts[name] = _write(directory, name, d.fields, rows)
            if progress:
                progress(name, counts[name])
        if kind == ReleaseKind.SNAPSHOT:
            counts["commune_stats"] = _write(directory, "commune_stats", STATS_FIELDS, stats_rows())
            if progress:
                progress("commune_stats", counts["commune_stats"])
        return _record(actor, kind, since, cutoff, directory, counts)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise


@transaction.atomic
def _record(
    actor: Actor, kind: str, since: str, cutoff: dt.datetime, directory: Path, counts: dict[str, int]
) -> OpenDataRelease:
    rel = OpenDataRelease.objects.create(kind=kind, since=since, cursor=cutoff.isoformat(), directory=str(directory))
    fields = {name: d.fields for name, d in DATASETS.items()} | {"commune_stats": STATS_FIELDS}
    resources = []
    for name, rows in counts.items():
        for fmt in ("csv", "json", "parquet"):
            path = directory / f"{name}.{fmt}"
            f = OpenDataFile.objects.create(
                release=rel,
                dataset=name,
                path=path.name,
                media_type=MEDIA[fmt],
                rows=rows,
                size=path.stat().st_size,
                sha256=_sha256(path),
            )
            append_record(f)
            resource: dict[str, Any] = {
                "name": f"{name}-{fmt}",
                "path": path.name,
                "format": fmt,
                "mediatype": MEDIA[fmt],
            }
            if fmt != "parquet":  # frictionless counts and hashes text resources only; the ledger has every hash
                resource |= {"encoding": "utf-8", "bytes": f.size, "hash": f"sha256:{f.sha256}"}
            resources.append(resource | {"schema": _schema(fields[name])})
    package = {
        "name": "truyxuat-open-data",
        "title": "Dữ liệu mở truy xuất nguồn gốc / Traceability open data",
        "created": cutoff.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "licenses": [{"name": settings.TRUYXUAT_OPEN_DATA_LICENSE}],
        "description": f"{kind}; since {since or '—'}; until {cutoff.isoformat()}",
        "resources": resources,
    }
    (directory / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=1), encoding="utf-8")
    audit.record(actor=actor, action="create", instance=rel, reason=kind)
    return rel
