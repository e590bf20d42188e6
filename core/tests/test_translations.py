"""English catalogues: every app's `locale/en/LC_MESSAGES/django.po` is complete, has nothing fuzzy, keeps the
placeholders of its msgids, and the committed `django.mo` says exactly what the .po says (run `compilemessages`
after editing a .po)."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

# Apps whose English must stay complete: every installed app of this project (each needs its own catalogue).
REQUIRED = [app for app in settings.INSTALLED_APPS if (ROOT / app / "apps.py").exists()]

CATALOGUES = sorted(
    po.parents[3].name
    for po in ROOT.glob("*/locale/en/LC_MESSAGES/django.po")
    if not po.parents[3].name.startswith(".") and (po.parents[3] / "apps.py").exists()
)

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\w*\}")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # 0 for a singular entry's msgstr

    @property
    def key(self) -> str:
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


def parse_po(path: Path) -> list[Entry]:
    """A .po file's entries, the header (msgid "") included; obsolete (#~) entries skipped."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None
    keyword = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$')
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if current is not None and target is not None and target[0] == "msgstr":
                current, target = None, None
            if current is None:
                current = Entry(line=number)
                entries.append(current)
            if line.startswith("#,"):
                current.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        match = keyword.match(line)
        if match:
            name, index, text = match.group(1), match.group(2), ast.literal_eval(match.group(3))
            starts_entry = name in ("msgctxt", "msgid") and (target is None or target[0] == "msgstr")
            if current is None or (starts_entry and target is not None):
                current = Entry(line=number)
                entries.append(current)
            target = (name, int(index or 0))
            if name == "msgstr":
                current.msgstr[target[1]] = text
            else:
                setattr(current, name, text)
            continue
        assert line.startswith('"') and current is not None and target is not None, f"{path}:{number}: {raw!r}"
        text = ast.literal_eval(line)
        if target[0] == "msgstr":
            current.msgstr[target[1]] += text
        else:
            setattr(current, target[0], getattr(current, target[0]) + text)
    return entries


def catalogue(app: str) -> tuple[Path, list[Entry]]:
    po = ROOT / app / "locale" / "en" / "LC_MESSAGES" / "django.po"
    return po, parse_po(po)


def where(po: Path, entry: Entry) -> str:
    return f"{po.relative_to(ROOT)}:{entry.line} {entry.msgid!r}"


def test_required_apps_have_an_english_catalogue():
    missing = [app for app in REQUIRED if app not in CATALOGUES]
    assert not missing, f"no locale/en/LC_MESSAGES/django.po in: {missing}"


@pytest.mark.parametrize("app", CATALOGUES)
def test_catalogue_is_complete_and_not_fuzzy(app):
    po, entries = catalogue(app)
    header, *messages = entries
    assert header.msgid == "" and "fuzzy" not in header.flags, f"{po}: the header is fuzzy (msgfmt drops its charset)"
    assert "charset=UTF-8" in header.msgstr[0]
    assert messages, f"{po} has no messages"
    fuzzy = [where(po, e) for e in messages if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy entries are ignored by msgfmt: {fuzzy}"
    plural_forms = re.search(r"nplurals=(\d+)", header.msgstr[0])
    forms = int(plural_forms.group(1)) if plural_forms else 2
    empty = [
        where(po, e)
        for e in messages
        if (e.msgid_plural is None and not e.msgstr.get(0))
        or (e.msgid_plural is not None and not all(e.msgstr.get(n) for n in range(forms)))
    ]
    assert not empty, f"untranslated: {empty}"


@pytest.mark.parametrize("app", CATALOGUES)
def test_translations_keep_the_placeholders(app):
    po, (_header, *messages) = catalogue(app)
    wrong = []
    for e in messages:
        pairs = [(e.msgid, e.msgstr.get(0, ""))] if e.msgid_plural is None else [(e.msgid_plural, e.msgstr.get(1, ""))]
        for source, text in pairs:
            if text and set(PLACEHOLDER.findall(source)) != set(PLACEHOLDER.findall(text)):
                wrong.append(f"{where(po, e)} -> {text!r}")
    assert not wrong, f"placeholders differ: {wrong}"


@pytest.mark.parametrize("app", CATALOGUES)
def test_compiled_catalogue_matches_the_po(app):
    po, (_header, *messages) = catalogue(app)
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run compilemessages"
    with mo.open("rb") as fp:
        compiled = gettext.GNUTranslations(fp)
    assert (compiled.charset() or "").lower() == "utf-8", f"{mo}: no UTF-8 charset (was the header fuzzy?)"
    expected: dict[object, str] = {}
    for e in messages:
        if "fuzzy" in e.flags or not all(e.msgstr.values()):
            continue  # msgfmt leaves these out; the test above names them
        if e.msgid_plural is None:
            expected[e.key] = e.msgstr[0]
        else:
            for n, text in e.msgstr.items():
                expected[(e.key, n)] = text
    actual = {k: v for k, v in compiled._catalog.items() if k != ""}  # type: ignore[attr-defined]
    stale = sorted(str(k) for k in expected.keys() ^ actual.keys())
    assert not stale, f"{mo} and {po.name} list different messages (run compilemessages): {stale[:10]}"
    changed = sorted(str(k) for k in expected if expected[k] != actual[k])
    assert not changed, f"{mo} differs from {po.name} (run compilemessages): {changed[:10]}"
