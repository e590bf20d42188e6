"""Detectors for text a Vietnamese reader should never see: raw codes and English (issue 15, "Done when").

`visible_text(html)` yields what a reader sees of a page: text nodes and the attributes a browser shows (placeholder,
title, aria-label, alt, the value of an input button), never scripts, styles or data attributes; and not what is
shown on purpose as a code for those who need it: `<code>`, `<kbd>`, `<samp>`, `<pre>`, elements of class `code`,
elements marked as another language (`lang="en"`, the language switch), and the honeypot fields that forms hide off
screen from people (class `hp`). Each piece says whether it lies in a
detail section (`<details>`), where codes and technical words (GTIN, SSCC…) are kept on farmer pages.

`leaks(html, farmer=...)` names what a page shows that it should not, each as `(kind, token)`:
- `choice`: the raw value of a TextChoices of the project (`draft`, `in_progress`, `lab_test`…);
- `unit`: a UN/ECE Recommendation 20 unit code (`KGM`, `XPK`…);
- `rule`: a rule's code (`pre_harvest_interval`);
- `english`: a common English UI word or phrase (`Save`, `Server Error`, `required`…);
- `jargon` (farmer pages only): GTIN, SSCC, GLN, EPCIS, GeoJSON, API outside a detail section.
Tokens match whole (letters, digits, `_` and `-` around them make another word) and with their case.
"""

from __future__ import annotations

import contextlib
import importlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
HIDDEN_CONTENT = {"script", "style", "template"}
CODE_ELEMENTS = {"code", "kbd", "samp", "pre"}
SHOWN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
BUTTON_INPUTS = {"submit", "button", "reset"}

# Words of the interface in English that a Vietnamese page must not show (the case matters: "Status" is English,
# a Vietnamese sentence never writes it). Left out on purpose: words that are also Vietnamese or names ("No", "May",
# "Email", "OCOP"), and "API", "GTIN"… (technical words, see JARGON).
ENGLISH = (
    "Save", "Submit", "Cancel", "Delete", "Edit", "Search", "Sign in", "Sign up", "Sign out", "Log in", "Log out",
    "Login", "Logout", "Password", "Username", "Next", "Previous", "Back", "Yes", "Loading", "Close", "Download",
    "Upload", "Send", "Details", "Settings", "Dashboard", "Status", "Unknown", "Error", "Warning", "Success",
    "Server Error", "Not Found", "Bad Request", "Forbidden", "Page not found", "Permission denied", "required",
    "This field", "Enter a valid", "Ensure this value", "Select a valid choice", "characters", "None", "True",
    "False", "NaN", "Infinity", "null", "undefined", "Home", "Name", "Date", "Quantity", "Unit", "Total", "Add",
    "Remove", "Update", "Create", "View", "Show", "Hide", "Filter", "Export", "Print", "Help", "Welcome", "Confirm",
    "Continue", "Submitted", "Approved", "Rejected", "Pending", "Draft", "Published", "Choose", "Select", "Reset",
    "Apply", "No results", "January", "February", "March", "April", "June", "July", "August", "September",
    "October", "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "minute", "minutes", "hour", "hours", "days", "weeks", "months", "years", "ago", "a.m.", "p.m.", "midnight",
    "noon", "Verify", "Verifying", "Proof", "Website",
)  # fmt: skip

# Technical words a farmer page keeps in a detail section ("Mã vạch", "Thông tin kỹ thuật").
JARGON = ("GTIN", "SSCC", "GLN", "EPCIS", "GeoJSON", "JSON", "API", "URN", "SGTIN", "LGTIN")

# Choice values that are not codes on a page: letters and Roman numerals shown as such ("Loại I", verdict "A").
NOT_CODES = {"A", "B", "C", "I", "II", "III", "na"}  # "na": a Vietnamese word (quả na)

UNIT_CODES = ("KGM", "TNE", "GRM", "LTR", "H87", "HEA", "XPK", "MTQ", "HAR", "KGS", "MTK", "CT", "BX", "BG")


@dataclass(frozen=True)
class Piece:
    text: str
    in_details: bool


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, shown, details)
        self.pieces: list[Piece] = []

    def _state(self) -> tuple[bool, bool]:
        return (self.stack[-1][1], self.stack[-1][2]) if self.stack else (True, False)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        shown, details = self._state()
        values = {name: value or "" for name, value in attrs}
        classes = set(values.get("class", "").split())
        lang = values.get("lang", "")
        element_shown = (
            shown
            and tag not in HIDDEN_CONTENT
            and tag not in CODE_ELEMENTS
            and "code" not in classes
            and "hp" not in classes
            and not (lang and not lang.lower().startswith("vi"))
        )
        element_details = details or tag == "details"
        if element_shown:
            for name in SHOWN_ATTRIBUTES:
                if values.get(name):
                    self.pieces.append(Piece(values[name], element_details))
            if tag == "input" and values.get("type", "").lower() in BUTTON_INPUTS and values.get("value"):
                self.pieces.append(Piece(values["value"], element_details))
        if tag not in VOID:
            self.stack.append((tag, element_shown, element_details))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        shown, details = self._state()
        if shown and data.strip():
            self.pieces.append(Piece(data, details))


def visible_text(html: str) -> list[Piece]:
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return parser.pieces


def _whole(words: Iterable[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def _project_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """(class, [(value, Vietnamese label)]) of every TextChoices declared by the project's apps."""
    from django.apps import apps
    from django.conf import settings
    from django.db import models
    from django.utils import translation

    ours = [app for app in apps.get_app_configs() if str(settings.BASE_DIR) in str(app.path)]
    for app in ours:
        for module in ("choices", "models"):
            with contextlib.suppress(ModuleNotFoundError):
                importlib.import_module(f"{app.name}.{module}")
    names = {app.name for app in ours}

    def subclasses(cls: type) -> Iterator[type]:
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    found = []
    with translation.override("vi"):
        for cls in subclasses(models.TextChoices):
            if cls.__module__.split(".")[0] in names:
                found.append((f"{cls.__module__}.{cls.__name__}", [(str(v), str(label)) for v, label in cls.choices]))
    return found


@cache
def vocabulary() -> dict[str, re.Pattern[str]]:
    """The detectors' patterns: {kind: pattern}."""
    from rules.definitions import BY_CODE

    choices = _project_choices()
    label_words = {w.lower() for _cls, pairs in choices for _v, label in pairs for w in re.findall(r"[\w.-]+", label)}
    units = set(UNIT_CODES)
    rules = set(BY_CODE)
    values = {
        value
        for _cls, pairs in choices
        for value, _label in pairs
        if value
        and value not in NOT_CODES
        and value.lower() not in label_words
        and value not in units
        and value not in rules
    }
    return {
        "choice": _whole(values),
        "unit": _whole(units),
        "rule": _whole(rules),
        "english": _whole(ENGLISH),
        "jargon": _whole(JARGON),
    }


def leaks(html: str, *, farmer: bool = False) -> set[tuple[str, str]]:
    """What `html` shows that a Vietnamese reader should not see, as {(kind, token)}."""
    found: set[tuple[str, str]] = set()
    patterns = vocabulary()
    for piece in visible_text(html):
        for kind, pattern in patterns.items():
            if kind == "jargon" and (not farmer or piece.in_details):
                continue
            found.update((kind, re.sub(r"\s+", " ", m.group(0))) for m in pattern.finditer(piece.text))
    return found
