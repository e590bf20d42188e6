"""The lock files (requirements/*.txt, written by `make lock`) agree with pyproject.toml: every pinned dependency
is locked at its pinned version, with hashes, so a dependency added or moved without regenerating the locks fails
`make test` instead of being silently left out of `make install`."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;]+)(?:\s*;\s*([^\\]+?))?\s*\\?$")
HINT = "pyproject.toml and the lock files disagree: run `make lock` and commit requirements/"


def _name(raw: str) -> str:
    return re.sub(r"[-_.]+", "-", raw).lower()


def _pins(requirements: list[str]) -> dict[str, str]:
    pins = {}
    for requirement in requirements:
        match = PIN.match(requirement.strip())
        assert match, f"{requirement!r} is not pinned exactly (name==version) in pyproject.toml"
        pins[_name(match.group(1))] = match.group(2)
    return pins


def _lock(path: Path) -> dict[str, tuple[str, int]]:
    """name -> (version, number of sha256 hashes) of every package a lock file installs on this interpreter (the
    locks are universal: an entry under an environment marker, e.g. for Python 3.12, applies elsewhere only)."""
    entries: dict[str, tuple[str, int]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match and match.group(3) and not Marker(match.group(3)).evaluate():
            current = None
        elif match:
            current = _name(match.group(1))
            assert current not in entries or entries[current][0] == match.group(2), f"{current} locked twice"
            entries[current] = (match.group(2), 0)
        elif current and line.strip().startswith("--hash=sha256:"):
            version, hashes = entries[current]
            entries[current] = (version, hashes + 1)
        elif not line.startswith((" ", "#")) and line.strip():
            raise AssertionError(f"{path.name}: unexpected line {line!r}")
    return entries


PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
RUNTIME = _pins(PROJECT["dependencies"])
TEST = _pins(PROJECT["optional-dependencies"]["test"])


def disagreements(lock: dict[str, tuple[str, int]], pins: dict[str, str]) -> list[str]:
    problems = [f"{n} not locked" for n in sorted(set(pins) - set(lock))]
    problems += [
        f"{n}: {v} in pyproject, {lock[n][0]} locked" for n, v in pins.items() if n in lock and lock[n][0] != v
    ]
    problems += [f"{n}: no hashes" for n, (_, hashes) in sorted(lock.items()) if hashes == 0]
    # the project itself is installed with --no-build-isolation: its build requirements come from the lock too
    problems += [f"{n} (build) not locked" for n in ("setuptools", "wheel") if n not in lock]
    return problems


@pytest.mark.parametrize(
    ("lock_file", "pins"),
    [("runtime.txt", RUNTIME), ("test.txt", {**RUNTIME, **TEST})],
)
def test_every_pin_is_locked_at_its_version_with_hashes(lock_file, pins):
    assert disagreements(_lock(ROOT / "requirements" / lock_file), pins) == [], HINT


def test_runtime_lock_is_the_test_lock_without_the_test_tools():
    runtime = _lock(ROOT / "requirements" / "runtime.txt")
    test = _lock(ROOT / "requirements" / "test.txt")
    assert {n: v for n, (v, _) in runtime.items()} == {n: test[n][0] for n in runtime}, HINT
    assert not set(TEST) & set(runtime), "a test tool is locked for production"


def test_the_check_sees_a_stale_lock(tmp_path):
    text = (ROOT / "requirements" / "runtime.txt").read_text(encoding="utf-8")
    stale = tmp_path / "stale.txt"
    stale.write_text(re.sub(r"(?m)^django==\S+", "django==5.2.1", text), encoding="utf-8")
    assert disagreements(_lock(stale), RUNTIME) == [f"django: {RUNTIME['django']} in pyproject, 5.2.1 locked"]
    assert disagreements(_lock(stale), {**RUNTIME, "django-new-thing": "1.0"})[0] == "django-new-thing not locked"
