"""Paths to the shared GS1 conformance material (read in place, never copied)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def _conformance_dir() -> Path:
    """`$TRUYXUAT_CONFORMANCE_DIR`, else the nearest `shared/conformance` beside an ancestor of this checkout (the
    workplace keeps it at `../shared`; a clone anywhere under the workplace finds it). No machine path is written
    here. Missing material fails loudly, naming where it was looked for: an empty parameter list would otherwise
    skip the conformance tests silently."""
    configured = os.environ.get("TRUYXUAT_CONFORMANCE_DIR")
    candidates = [Path(configured)] if configured else []
    candidates += [parent / "shared" / "conformance" for parent in Path(__file__).resolve().parents]
    for candidate in candidates:
        if (candidate / "epcis" / "EPCIS-JSON-Schema.json").is_file():
            return candidate
    raise RuntimeError(
        "GS1 conformance material not found (looked for epcis/EPCIS-JSON-Schema.json in "
        + ", ".join(str(c) for c in candidates)
        + "): set TRUYXUAT_CONFORMANCE_DIR to the shared/conformance folder"
    )


CONFORMANCE = _conformance_dir()
EPCIS = CONFORMANCE / "epcis"
JSON_DIR = EPCIS / "JSON"
XML_DIR = EPCIS / "XML"
SCHEMA_TESTS = EPCIS / "JSON-Schema" / "test"


def load(path: Path) -> Any:
    """Load a JSON file."""
    return json.loads(path.read_bytes())


def rel(path: Path) -> str:
    """A short test id for a conformance file."""
    return str(path.relative_to(EPCIS))
