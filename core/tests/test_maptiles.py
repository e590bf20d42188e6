"""TRUYXUAT_MAP_TILES: the basemap's tile template and the CSP source its tiles need (core.maptiles, settings)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.maptiles import MapTilesError, tile_source, with_tiles


@pytest.mark.parametrize(
    ("template", "source"),
    [
        ("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", "https://*.tile.openstreetmap.org"),
        ("https://tiles.example.vn/osm/{z}/{x}/{y}{r}.png", "https://tiles.example.vn"),
        ("http://127.0.0.1:8104/tiles/{z}/{x}/{y}.png", "http://127.0.0.1:8104"),
        ("https://maps.example.vn/wmts?layer=a&z={z}&x={x}&y={y}", "https://maps.example.vn"),
    ],
)
def test_tile_source(template, source):
    assert tile_source(template) == source


@pytest.mark.parametrize(
    "template",
    [
        "tiles.example.vn/{z}/{x}/{y}.png",  # no scheme
        "ftp://tiles.example.vn/{z}/{x}/{y}.png",
        "javascript:alert(1)//{z}/{x}/{y}",
        "https://user:secret@tiles.example.vn/{z}/{x}/{y}.png",
        "https://tiles.{s}.example.vn/{z}/{x}/{y}.png",  # a placeholder the CSP cannot express
        "https://tiles.example.vn:http/{z}/{x}/{y}.png",
        "https://tiles.example.vn/{z}/{y}.png",  # not a tile template
        "https://tiles.example.vn 'unsafe-inline'/{z}/{x}/{y}.png",
    ],
)
def test_templates_the_csp_could_not_allow_are_refused(template):
    with pytest.raises(MapTilesError):
        tile_source(template)


def test_with_tiles_adds_the_source_once_and_leaves_the_policy_alone():
    policy = {"DIRECTIVES": {"img-src": ["'self'", "data:"], "script-src": ["'self'"]}}
    template = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
    once = with_tiles(policy, template)
    assert once["DIRECTIVES"]["img-src"] == ["'self'", "data:", "https://*.tile.openstreetmap.org"]
    assert once["DIRECTIVES"]["script-src"] == ["'self'"]
    assert with_tiles(once, template) == once
    assert policy["DIRECTIVES"]["img-src"] == ["'self'", "data:"]
    assert with_tiles(policy, "") == policy


def _settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.TRUYXUAT_MAP_TILES, s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']]))"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("TRUYXUAT_MAP_")}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**base, "DJANGO_SETTINGS_MODULE": "truyxuat.settings", "TRUYXUAT_DEBUG": "1", **env},
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_setting_reaches_the_csp_and_a_bad_one_stops_start_up():
    plain = _settings({})
    assert json.loads(plain.stdout) == ["", ["'self'", "data:", "blob:"]]
    tiles = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
    set_ = _settings({"TRUYXUAT_MAP_TILES": tiles})
    assert json.loads(set_.stdout) == [tiles, ["'self'", "data:", "blob:", "https://*.tile.openstreetmap.org"]]
    bad = _settings({"TRUYXUAT_MAP_TILES": "https://tiles.{s}.example.vn/{z}/{x}/{y}.png"})
    assert bad.returncode != 0 and "MapTilesError" in bad.stderr
