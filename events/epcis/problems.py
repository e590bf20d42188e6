"""Problems found in EPCIS input, and the exception that carries them.

A :class:`Problem` names *where* something is wrong with a JSON pointer (RFC 6901) into
the document or event as sent, and *which* event of the event list it concerns, so that
an API can answer a refused capture with a precise, machine-readable reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["EpcisError", "Problem", "pointer"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an EPCIS document or event.

    ``event_index`` is the position of the event in the event list (``None`` when the
    problem is in the document itself); ``pointer`` is a JSON pointer into the document
    as sent (for a single event, into the event); ``message`` says what is wrong.
    """

    event_index: int | None
    pointer: str
    message: str

    def as_dict(self) -> dict[str, object]:
        """Return the problem as a plain JSON-able dict."""
        return {"event_index": self.event_index, "pointer": self.pointer, "message": self.message}


class EpcisError(ValueError):
    """Raised when EPCIS input cannot be accepted; ``problems`` says why."""

    def __init__(self, problems: Sequence[Problem] | Problem, message: str | None = None) -> None:
        self.problems: list[Problem] = [problems] if isinstance(problems, Problem) else list(problems)
        if message is None:
            first = self.problems[0] if self.problems else None
            message = f"{first.pointer or '/'}: {first.message}" if first else "invalid EPCIS input"
            if len(self.problems) > 1:
                message += f" (and {len(self.problems) - 1} more problem(s))"
        super().__init__(message)


def _escape(token: object) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer(parts: Iterable[object]) -> str:
    """Build a JSON pointer from path parts (``["a", 0, "b/c"]`` -> ``/a/0/b~1c``)."""
    return "".join("/" + _escape(p) for p in parts)
