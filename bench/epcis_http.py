"""EPCIS capture over HTTP against `truyxuat serve` (Granian), for bench_epcis.py's `http` and `http-capture`.

The server is started on the benchmark's data dir as production starts it (its own processes, the preparing
helper processes, group commit, background checkpoints); clients run on the same 2 cores.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

WRK_SCRIPT = """
local bodies = dofile(%(bodies)r)
local step, offset, i = 1, 0, 0
function setup(thread)
  thread:set("tid", (_tid or 0))
  _tid = (_tid or 0) + 1
end
function init(args)
  offset = tonumber(args[1] or "0") + (tid or 0)
  step = tonumber(args[2] or "1")
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/ld+json"
wrk.headers["Authorization"] = "Bearer %(token)s"
function request()
  local k = offset + i * step + 1
  i = i + 1
  return wrk.format(nil, "/epcis/events", nil, bodies[k] or bodies[1])
end
"""


def _token(name: str = "bench http") -> str:
    """An API token of the province's first organisation, which owns the lots the bench's events name: they are
    under the provincial prefix, given to it as its company prefix (a token may only name its own organisation's
    goods, or goods it received: events.services.authority)."""
    from django.utils import timezone

    from accounts.models import ApiToken
    from accounts.permissions import SYSTEM
    from accounts.services import create_api_token
    from bench.province_generator import PREFIX
    from catalog.models import Organization

    org = Organization.objects.filter(tax_code__startswith="69").first()
    assert org is not None
    Organization.objects.filter(pk=org.pk).update(gs1_company_prefix=PREFIX)
    # earlier runs' tokens revoked: an organisation holds at most TRUYXUAT_MAX_TOKENS_PER_ORGANIZATION active ones
    earlier = ApiToken.objects.filter(organization=org, name__startswith="bench", revoked_at=None)
    earlier.update(revoked_at=timezone.now())
    _t, token = create_api_token(actor=SYSTEM, organization=org, name=f"{name} {uuid.uuid4()}")
    return token


def _events(seed: int, n: int) -> list[dict[str, Any]]:
    from bench.province_generator import Province

    events: list[dict[str, Any]] = []
    for _o, evs in Province(seed=seed).batches(n):
        events += evs
    return events[:n]


@contextlib.contextmanager
def serving(data_dir: str, workers: int, work: Path, threads: int | None = None) -> Iterator[tuple[str, int, int]]:
    """`truyxuat serve` on a free port of 127.0.0.1 for the block: yields (host, port, the server's session id,
    which its processes share); stopped after."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "TRUYXUAT_DATA_DIR": data_dir,
        "TRUYXUAT_SECRET_KEY": "bench-secret-key-not-for-production-" + "x" * 20,
        "TRUYXUAT_LOG_LEVEL": "WARNING",
    }
    env.pop("TRUYXUAT_DEBUG", None)
    cmd = [str(ROOT / ".venv" / "bin" / "truyxuat"), "serve", "--port", str(port), "--workers", str(workers)]
    if threads:  # else the server's default for its database
        cmd += ["--threads", str(threads)]
    server = subprocess.Popen(
        [*cmd, "--no-collectstatic", "--no-access-log"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(work / "serve.log").open("wb"),
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):  # /healthz, not an EPCIS query: a public query of a large province takes seconds
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except urllib.error.HTTPError:
                break  # up, whatever it says
            except OSError:
                time.sleep(0.3)
        yield "127.0.0.1", port, server.pid
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def bench_single_http(
    data_dir: str, seconds: int, connections: int, workers: int, run: int, threads: int | None = None
) -> None:
    """Single-event POSTs as a producer's system sends them: HTTP keep-alive, `connections` concurrent clients
    (wrk, 2 threads) against `truyxuat serve` (Granian, `workers` × its default threads). wrk runs on the same
    2 cores."""
    from bench.province_generator import CONTEXT

    if not shutil.which("wrk"):
        print("  single-event POST over HTTP: skipped (wrk missing: apt-get install wrk)")
        return
    token = _token()
    n = (seconds + 2) * 2000  # more new events than the server can take in the time (a repeat would be a 409)
    events = _events(55_555 + run, n)
    work = Path(tempfile.mkdtemp(prefix="truyxuat-wrk-"))
    bodies = work / "bodies.lua"
    with bodies.open("w") as f:
        f.write("return {\n")
        for e in events:
            f.write("[==[" + json.dumps({"@context": CONTEXT, **e}) + "]==],\n")
        f.write("}\n")
    script = work / "post.lua"
    script.write_text(WRK_SCRIPT % {"bodies": str(bodies), "token": token})
    with serving(data_dir, workers, work, threads) as (host, port, session):

        def wrk(duration: int, first: int) -> str:
            threads = min(2, connections)  # each wrk thread takes every `threads`-th body from `first`
            args = ["-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--latency", "-s", str(script)]
            return subprocess.run(
                ["wrk", *args, f"http://{host}:{port}", "--", str(first), str(threads)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout

        wrk(2, n // 2)  # warm up every worker on the second half of the events
        before, children = cpu_seconds(session), resource.getrusage(resource.RUSAGE_CHILDREN)
        out = wrk(seconds, 0)
        used = {k: v - before.get(k, 0.0) for k, v in cpu_seconds(session).items()}
        waited = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk has ended: its CPU is its parent's children's
        used["wrk"] = waited.ru_utime + waited.ru_stime - children.ru_utime - children.ru_stime
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    lat = {m.group(1): m.group(2) for m in re.finditer(r"^\s+(50|99)%\s+(\S+)", out, re.M)}
    print(
        f"  single-event POST /epcis/events over HTTP (Granian {workers} workers × {threads or 'default'} threads, "
        f"wrk {connections} keep-alive connections on the same cores): {rate:,.0f} events/s, "
        f"p50 {lat.get('50')}, p99 {lat.get('99')}"
        + (f", {bad.group(1)} non-2xx (a generated event repeating an earlier one is a 409)" if bad else "")
    )
    requests = rate * seconds
    print(
        "    CPU per request: "
        + ", ".join(f"{name} {used.get(name, 0.0) / requests * 1000:.2f} ms" for name in ("server", "database", "wrk"))
    )
    shutil.rmtree(work, ignore_errors=True)


def cpu_seconds(session: int) -> dict[str, float]:
    """CPU seconds (user + system) used so far by the server's processes (those of its session) and the database
    server's (PostgreSQL's processes): where a request's work goes on the shared cores (wrk's is counted when it
    has ended, as this process's children's)."""
    tick = os.sysconf("SC_CLK_TCK")
    used: dict[str, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # ended meanwhile
            continue
        comm = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        sid, utime, stime = int(fields[3]), int(fields[11]), int(fields[12])
        name = "server" if sid == session else "database" if comm == "postgres" else ""
        if name:
            used[name] = used.get(name, 0.0) + (utime + stime) / tick
    return used


def bench_capture_http(
    data_dir: str, n_docs: int, per_doc: int, clients: int, workers: int, run: int, threads: int | None = None
) -> None:
    """`POST /epcis/capture` of `n_docs` documents of `per_doc` events from `clients` senders at once (each its
    own keep-alive connection, documents taken in turn), against `truyxuat serve` with `workers` processes:
    the server's sustained capture rate, each document validated, hashed, stored, in the ledger and durably
    committed before its 202. A warm-up document per worker first (schema validator, preparing helper)."""
    from bench.province_generator import CONTEXT

    token = _token()
    events = _events(44_441 + run, (n_docs + 2 * workers) * per_doc)
    chunks = [events[i * per_doc : (i + 1) * per_doc] for i in range(n_docs + 2 * workers)]
    bodies = [
        json.dumps(
            {
                "@context": CONTEXT,
                "type": "EPCISDocument",
                "schemaVersion": "2.0",
                "creationDate": "2026-11-28T00:00:00Z",
                "epcisBody": {"eventList": chunk},
            }
        ).encode()
        for chunk in chunks
    ]
    warm, timed = bodies[: 2 * workers], bodies[2 * workers :]
    headers = {"Content-Type": "application/ld+json", "Authorization": f"Bearer {token}"}
    statuses: list[int] = []
    lock = threading.Lock()

    def send(host: str, port: int, docs: list[bytes]) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=600)
        try:
            for body in docs:
                conn.request("POST", "/epcis/capture", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                with lock:
                    statuses.append(response.status)
        finally:
            conn.close()

    work = Path(tempfile.mkdtemp(prefix="truyxuat-capture-"))
    with serving(data_dir, workers, work, threads) as (host, port, _session):
        senders = [threading.Thread(target=send, args=(host, port, warm[i::clients])) for i in range(clients)]
        for t in senders:
            t.start()
        for t in senders:
            t.join()
        time.sleep(2)  # the helpers started by the warm-up are ready
        statuses.clear()
        senders = [threading.Thread(target=send, args=(host, port, timed[i::clients])) for i in range(clients)]
        start = time.perf_counter()
        for t in senders:
            t.start()
        for t in senders:
            t.join()
        elapsed = time.perf_counter() - start
    refused = [s for s in statuses if s != 202]
    print(
        f"  batched capture over HTTP (POST /epcis/capture, {n_docs} × {per_doc:,}-event documents from {clients} "
        f"senders at once, Granian {workers} workers): {n_docs * per_doc / elapsed:,.0f} events/s"
        + (f"; {len(refused)} documents not accepted: {sorted(set(refused))}" if refused else "")
    )
    shutil.rmtree(work, ignore_errors=True)
