"""Paths to the shared GS1 conformance material (read in place, never copied)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CONFORMANCE = Path(__file__).resolve().parents[3].parent / "shared" / "conformance"
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
