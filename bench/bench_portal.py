"""Benchmark of the consumer portal with wrk against `truyxuat serve` (Granian) on a throwaway demo data dir.

    .venv/bin/python bench/bench_portal.py               # 10 s per run
    .venv/bin/python bench/bench_portal.py --seconds 5 --workers 2

Measures, for one published demo lot: the HTML page and its JSON (Accept: application/json), cached
(the per-lot page cache shared by the workers), uncached (TRUYXUAT_PORTAL_PAGE_CACHE=0: every request
renders the page or serialises the JSON from the lot's story, which is built once per change) and cold (also
TRUYXUAT_PORTAL_DATA_CACHE=0: every request rebuilds the story: queries, trace, render); a returning browser's
revalidation (If-None-Match → 304); a plain Django view (/healthz) for reference; the latency at about
1,000 requests/s (a fixed offered rate scheduled by a wrk Lua script: Debian's wrk has no -R), and with the
earlier per-connection pause; and the page
weight of the first view (HTML + CSS + scripts, gzipped, photos excluded).
Targets (issue 5): >= 1,500 req/s cached, p99 < 20 ms at 1,000 req/s, >= 600 req/s uncached, < 100 KB.
Needs Debian's `wrk` (apt-get install wrk). A plain script, not a test.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRUYXUAT = str(ROOT / ".venv" / "bin" / "truyxuat")
THREADS = os.environ.get("TRUYXUAT_THREADS", "2")  # truyxuat serve's default


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(cmd: list[str], env: dict[str, str]) -> str:
    return subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout


def wait_up(url: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server did not start: {url}")


def serve(env: dict[str, str], port: int, workers: int, collect: bool = True) -> subprocess.Popen[bytes]:
    # No access log: a reverse proxy in front logs already (a line per request on stdout cost 10-70 ms of p99 at a
    # fixed 1,000 req/s here); `truyxuat serve` keeps it unless --no-access-log or TRUYXUAT_ACCESS_LOG=0.
    extra = ["--no-access-log"] + ([] if collect else ["--no-collectstatic"])
    log = open(Path(env["TRUYXUAT_DATA_DIR"]) / f"serve-{port}.log", "wb")  # noqa: SIM115 - lives with the server
    return subprocess.Popen(
        [TRUYXUAT, "serve", "--port", str(port), "--workers", str(workers), *extra],
        env={**env, "TRUYXUAT_LOG_LEVEL": "WARNING"},
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )


def stop(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


# Debian's wrk has no fixed-rate mode (wrk2's -R): this script gives every request the next slot of a schedule
# of RATE requests/s per wrk thread (LuaJIT's ffi reads the clock), so the offered load is fixed, not the pause.
FIXED_RATE_LUA = """
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_usec; } truyxuat_timeval;
int gettimeofday(truyxuat_timeval *t, void *tz);
]]
local tv = ffi.new("truyxuat_timeval")
local function now_ms()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1000 + tonumber(tv.tv_usec) / 1000
end
local interval = 1000 / RATE
local next_at = nil
function delay()
  local now = now_ms()
  if next_at == nil or next_at < now - 1000 then next_at = now end
  local wait = next_at - now
  next_at = next_at + interval
  if wait < 0 then return 0 end
  return math.floor(wait)
end
"""


def wrk(
    url: str, seconds: int, connections: int, headers: list[str], pause_ms: float = 0, rate: int = 0
) -> dict[str, float]:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for h in headers:
        cmd += ["-H", h]
    script = None
    if pause_ms or rate:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            if rate:
                handle.write(FIXED_RATE_LUA.replace("RATE", str(rate / 2)))  # per thread (-t2)
            else:
                handle.write(f"function delay() return {pause_ms} end\n")
        script = handle.name
        cmd += ["-s", script]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    if script:
        os.unlink(script)

    def latency(label: str) -> float:
        m = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return float("nan")
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50": latency("50%"),
        "p99": latency("99%"),
        "non2xx": float(errors.group(1)) if errors else 0.0,
    }


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def page_weight(base: str, path: str) -> list[tuple[str, int, int]]:
    html = urllib.request.urlopen(base + path).read()
    rows = [(path, len(html), len(gzip.compress(html, 6)))]
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
    text = html.decode()
    verify = re.search(r'data-verify="([^"]+)"', text)
    if verify:
        assets.append(verify.group(1).encode())
    for asset in dict.fromkeys(a.decode() for a in assets):
        body = urllib.request.urlopen(base + asset).read()
        rows.append((asset, len(body), len(gzip.compress(body, 6))))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("TRUYXUAT_WORKERS", "2")))
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    data = Path(tempfile.mkdtemp(prefix="truyxuat-bench-"))
    env = {
        **os.environ,
        "TRUYXUAT_DATA_DIR": str(data),
        "TRUYXUAT_SECRET_KEY": "bench-secret-key-not-for-production-" + "x" * 20,
        "TRUYXUAT_LOG_LEVEL": "WARNING",
    }
    env.pop("TRUYXUAT_DEBUG", None)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        print(f"data dir {data}: migrate + demo …", flush=True)
        run([TRUYXUAT, "migrate", "--no-input", "-v0"], env)
        run([TRUYXUAT, "demo"], env)
        lot_path = (
            run(
                [
                    TRUYXUAT,
                    "shell",
                    "-c",
                    "from catalog.selectors import published_lots; l = published_lots().filter(status='published')"
                    ".first(); print(f'/01/{l.product.gtin}/10/{l.lot_code}')",
                ],
                env,
            )
            .strip()
            .splitlines()[-1]
        )
        port, port_uncached, port_cold = free_port(), free_port(), free_port()
        base, base_uncached = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port_uncached}"
        base_cold = f"http://127.0.0.1:{port_cold}"
        procs.append(serve(env, port, args.workers))
        wait_up(base + lot_path, timeout=180)
        procs.append(serve({**env, "TRUYXUAT_PORTAL_PAGE_CACHE": "0"}, port_uncached, args.workers, collect=False))
        cold_env = {**env, "TRUYXUAT_PORTAL_PAGE_CACHE": "0", "TRUYXUAT_PORTAL_DATA_CACHE": "0"}
        procs.append(serve(cold_env, port_cold, args.workers, collect=False))
        for b in (base_uncached, base_cold):
            wait_up(b + lot_path)
        print(
            f"lot page {lot_path}; Granian {args.workers} workers × {THREADS} threads, no access log; "
            f"{os.cpu_count()} CPUs (shared with wrk)"
        )
        html_h = ["Accept: text/html", "Accept-Language: vi"]
        json_h = ["Accept: application/json"]
        etag = urllib.request.urlopen(urllib.request.Request(base + lot_path, headers={"Accept": "text/html"})).headers[
            "ETag"
        ]
        print(f"load average before: {load_average()}")
        print("\n| run | req/s | p50 ms | p99 ms | non-2xx |\n|---|---|---|---|---|")
        for name, url, headers in (
            ("reference: plain Django view (/healthz, one SELECT 1)", base + "/healthz", json_h),
            ("lot HTML, cached (page cache)", base + lot_path, html_h),
            ("lot JSON, cached (page cache)", base + lot_path, json_h),
            (
                "lot HTML, revalidated by a returning browser (304)",
                base + lot_path,
                [*html_h, f"If-None-Match: {etag}"],
            ),
            ("lot HTML, uncached: rendered on every request from the lot's story", base_uncached + lot_path, html_h),
            ("lot JSON, uncached: serialised on every request from the lot's story", base_uncached + lot_path, json_h),
            ("lot HTML, cold: story rebuilt on every request (queries + trace + render)", base_cold + lot_path, html_h),
            ("lot JSON, cold: story rebuilt on every request", base_cold + lot_path, json_h),
        ):
            wrk(url, 2, args.connections, headers)  # warm up
            r = wrk(url, args.seconds, args.connections, headers)
            print(f"| {name} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['non2xx']:.0f} |", flush=True)
        for name, headers in (("lot HTML", html_h), ("lot JSON", json_h)):
            # A fixed offered load of 1,000 requests/s over 32 connections (latency from send to last byte).
            r = wrk(base + lot_path, args.seconds, args.connections, headers, rate=1000)
            print(
                f"| {name}, cached, at a fixed 1,000 req/s | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} |"
                f" {r['non2xx']:.0f} |",
                flush=True,
            )
            # The earlier measure: 10 connections, each pausing 9 ms after every response (at most 1,000 req/s).
            r = wrk(base + lot_path, args.seconds, 10, headers, pause_ms=9)
            print(
                f"| {name}, cached, paced (10 connections, 9 ms pause) | {r['rps']:.0f} | {r['p50']:.2f} |"
                f" {r['p99']:.2f} | {r['non2xx']:.0f} |",
                flush=True,
            )
        print(f"load average after: {load_average()}")
        rows = page_weight(base, lot_path)
        total_raw = sum(r[1] for r in rows)
        total_gz = sum(r[2] for r in rows)
        print("\nPage weight of the first view (photos excluded):\n\n| resource | bytes | gzipped |\n|---|---|---|")
        for path, raw, gz in rows:
            print(f"| {path} | {raw:,} | {gz:,} |")
        print(f"| **total** | {total_raw:,} | **{total_gz:,}** ({total_gz / 1024:.1f} KiB) |")
    except Exception:
        for log in data.glob("serve-*.log"):
            errors = [ln for ln in log.read_text(errors="replace").splitlines() if "Error" in ln or "Traceback" in ln]
            print(f"{log.name}: {len(errors)} error lines", *errors[-20:], sep="\n  ")
        raise
    finally:
        for proc in procs:
            stop(proc)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
