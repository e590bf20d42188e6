"""Coherent public pages: after each kind of write made by another process, every worker answers the new facts.

The real server (`truyxuat serve`, 3 workers) on a fresh data dir (and a fresh PostgreSQL database when the
suite runs on PostgreSQL), its caches in a real Redis (`TRUYXUAT_REDIS_URL`, as several machines share them); the
writes are made through the service layer by a separate process
(`coherence_helper`), as an officer's request on another worker or machine would make them. Before each write
every worker has the page cached (warm-up requests); right after it, 20 consecutive requests for each changed
lot's JSON must all equal the lot's JSON rendered fresh from the database, and the HTML must show the change on
every one of 20 requests too.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import urllib.error
from pathlib import Path
from typing import Any

import pytest

from core.tests.redis import redis_url  # noqa: F401  (a real redis-server for the session)
from core.tests.served import drop_site, migrated_site, server_env, wait_until_serving
from core.tests.test_serve import ROOT, TRUYXUAT, _free_port, _request

# the served workers use PostgreSQL in the PostgreSQL pass; the module's tests share one served site, so they run
# on one xdist worker (`--dist loadgroup` in the Makefile), which sets the site up once
pytestmark = [pytest.mark.database_process, pytest.mark.xdist_group("coherence")]

WORKERS = 3
REQUESTS = 20
HELPER = "from portal.tests.coherence_helper import main; main()"


class Writer:
    """The helper process: one write per call, answering the fresh public JSON of the lots it changed."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [*TRUYXUAT, "shell", "--no-imports", "-c", HELPER],
            env=env,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.paths: dict[str, str] = self._answer()

    def _answer(self) -> Any:
        assert self.process.stdout is not None
        for line in self.process.stdout:  # the shell may print a banner first
            if line.startswith("@@"):
                return json.loads(line[2:])
        raise AssertionError(f"the writing process ended (exit {self.process.wait()})")

    def write(self, kind: str) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(kind + "\n")
        self.process.stdin.flush()
        return dict(self._answer())

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, redis_url: str, django_db_setup: None):  # type: ignore[no-untyped-def]  # noqa: F811
    data_dir: Path = tmp_path_factory.mktemp("coherence")
    env = server_env(data_dir, "coherence-test")  # on PostgreSQL, a database of its own made from the template
    env |= {"TRUYXUAT_REDIS_URL": redis_url, "TRUYXUAT_SERVE_WORKER": "0"}
    env |= migrated_site(data_dir, env, "coherence")
    port = _free_port()
    server = subprocess.Popen(
        [*TRUYXUAT, "serve", "--port", str(port), "--workers", str(WORKERS), "--threads", "1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    writer = None
    try:
        writer = Writer(env | {"TRUYXUAT_DEBUG": "1"})  # sets up the chain while the workers start
        wait_until_serving(base, server)
        yield base, writer
    finally:
        if writer is not None:
            writer.close()
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        drop_site(env)


def _json(base: str, path: str) -> tuple[int, Any]:
    status, _headers, body = _request(base + path, headers={"Accept": "application/json", "Accept-Language": "vi"})
    return status, json.loads(body)


def _html(base: str, path: str) -> str:
    status, _headers, body = _request(base + path, headers={"Accept": "text/html", "Accept-Language": "vi"})
    assert status == 200
    return body.decode()


def _warm(base: str, *paths: str) -> None:
    """Every worker caches the pages before the write (each request opens a new connection); a page not public
    yet answers 404 and is not cached."""
    for path in paths:
        for _ in range(2 * WORKERS):
            _json(base, path)
            _request(base + path, headers={"Accept": "text/html", "Accept-Language": "vi"})


def _differ(answer: dict[str, Any], story: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (answer.get(k), story.get(k)) for k in sorted(answer.keys() | story.keys()) if answer.get(k) != story.get(k)
    }


def _write_and_check(base: str, writer: Writer, kind: str, *paths: str) -> dict[str, Any]:
    """Warm every worker's cache of `paths`, write, then check 20 consecutive answers for each changed lot."""
    _warm(base, *paths)
    expected = writer.write(kind)
    assert sorted(expected) == sorted(paths)
    for path, story in expected.items():
        answers = [_json(base, path) for _ in range(REQUESTS)]
        stale = [i for i, answer in enumerate(answers) if answer != (200, story)]
        first = answers[stale[0]] if stale else None
        differ = _differ(first[1], story) if first and isinstance(first[1], dict) else first
        assert stale == [], f"after {kind}, {path}: answers {stale} of {REQUESTS} differ from the database: {differ}"
    return expected


def test_every_kind_of_write_shows_at_once_on_every_worker(site):
    """In the order a lot's life runs them: publication, hold and release, a captured event and its correction (an
    EPCIS error declaration), a certificate, recall."""
    base, writer = site
    a, b, p = writer.paths["a"], writer.paths["b"], writer.paths["p"]

    assert _json(base, p)[0] == 404  # submitted, not public yet
    expected = _write_and_check(base, writer, "publish", p)
    assert expected[p]["status"] == "published"

    expected = _write_and_check(base, writer, "hold", a, b)
    assert [t["passed"] for t in expected[a]["lab_tests"]] == [False]
    assert all("Trung tâm Kỹ thuật TĐC 3" in _html(base, a) for _ in range(REQUESTS))
    _write_and_check(base, writer, "release", a, b)

    expected = _write_and_check(base, writer, "capture", a, b)
    for path in (a, b):  # the inspection of lot A is in B's chain too (B was made from A)
        assert [s["biz_step"] for s in expected[path]["chain"]].count("inspecting") == 1
    expected = _write_and_check(base, writer, "declare", a, b)
    for path in (a, b):  # declared in error: out of both chains at once
        assert [s["biz_step"] for s in expected[path]["chain"]].count("inspecting") == 0

    expected = _write_and_check(base, writer, "certificate", b)
    assert "VG-COHERENT-1" in [c["number"] for c in expected[b]["certificates"]]

    expected = _write_and_check(base, writer, "recall", a, b)
    assert expected[a]["recalled"] is True and expected[b]["recalled"] is True
    assert all('id="thu-hoi"' in _html(base, b) for _ in range(REQUESTS))


def test_the_rate_limit_counts_across_workers(site, redis_url):  # noqa: F811
    """Watch requests from one address, each on a new connection (any of the 3 worker processes): the limit of
    `WATCH_REQUESTS_PER_HOUR` holds for them together. And the pages were cached in Redis, not in the workers."""
    import re
    from http.cookiejar import CookieJar
    from urllib.parse import urlencode
    from urllib.request import HTTPCookieProcessor, build_opener

    import redis

    from notifications.services import WATCH_REQUESTS_PER_HOUR

    base, writer = site
    gtin = writer.paths["a"].split("/")[2]
    opener = build_opener(HTTPCookieProcessor(CookieJar()))
    form = opener.open(f"{base}/theo-doi/{gtin}", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]

    def ask(n: int) -> int:
        data = urlencode({"csrfmiddlewaretoken": token, "email": f"n{n}@example.vn"}).encode()
        try:
            return int(opener.open(f"{base}/theo-doi/{gtin}", data=data, timeout=10).status)
        except urllib.error.HTTPError as exc:
            return exc.code

    statuses = [ask(n) for n in range(WATCH_REQUESTS_PER_HOUR + 2)]
    assert statuses == [200] * WATCH_REQUESTS_PER_HOUR + [429, 429]
    _html(base, writer.paths["a"])  # a public lot page, served by one of the workers (this test alone warms it)
    keys = redis.Redis.from_url(redis_url).keys("truyxuat:portal:*")
    assert keys, "no page was cached in Redis"
