"""The fast path of schema validation: GS1's EPCIS 2.0 schema compiled to Python by ``fastjsonschema``.

The compiled validator only *accepts*: :mod:`.validation` asks it first and, when it refuses (or
raises anything), runs the ``jsonschema`` validator, which is the reference and names each problem
(event index and JSON pointer). Accept/reject therefore stays jsonschema's; the tests check that both
agree on every conformance sample and on generated broken events.

Before compiling, the schema is rewritten into an equivalent one that is cheaper to evaluate:
``anyOf`` branches that are themselves ``anyOf`` (directly or through ``$ref``) are flattened, and the
plain string ``enum`` branches among them are merged into one enum tried first. ``anyOf`` is a
disjunction, so neither changes what validates; it only spares the common case (``shipping``,
``eventTime``…) a failed URI branch and its exception. Draft-07 ``$ref`` siblings are left alone.

The generated source is then made cheaper in two ways that change no decision (:func:`speed_up`):
the names of array items passed down for error messages (``"data.epcList[{i}]".format(**locals())``,
which copies every local of a large function per item) become constant strings, since this
validator's messages are never shown; and enum tests written as chains of ``x == 'a' or x == 'b' …``
(the merged CBV vocabularies have dozens of names) become set membership.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, partial, update_wrapper
from typing import Any
from urllib.parse import unquote

from .formats import is_date_time, is_uri
from .schema import epcis_schema

__all__ = ["document_validator", "event_validator", "fast_schema", "is_valid", "speed_up"]

_DEFS = "#/definitions/"


def fast_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """An equivalent copy of `schema` with flattened ``anyOf``s whose string enums are merged and tried first."""
    defs = schema.get("definitions", {})

    def resolve(node: Any) -> Any:
        for _ in range(20):  # follow chains of bare local $refs
            if not (isinstance(node, dict) and set(node) == {"$ref"} and str(node["$ref"]).startswith(_DEFS)):
                break
            node = defs[unquote(node["$ref"][len(_DEFS) :])]
        return node

    def flat(node: Any) -> list[Any]:
        target = resolve(node)
        if isinstance(target, dict) and set(target) == {"anyOf"} and isinstance(target["anyOf"], list):
            return [b for sub in target["anyOf"] for b in flat(sub)]
        return [node]

    def is_enum(node: Any) -> bool:
        node = resolve(node)
        return (
            isinstance(node, dict)
            and isinstance(node.get("enum"), list)
            and set(node) <= {"type", "enum"}
            and node.get("type", "string") == "string"
            and all(isinstance(v, str) for v in node["enum"])
        )

    def any_of(branches: list[Any]) -> list[Any]:
        out = [b for sub in branches for b in flat(sub)]
        enums = [resolve(b) for b in out if is_enum(b)]
        if not enums:
            return out
        values = list(dict.fromkeys(v for e in enums for v in e["enum"]))
        return [{"type": "string", "enum": values}, *(b for b in out if not is_enum(b))]

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(n) for n in node]
        if not isinstance(node, dict):
            return node
        out = {k: walk(v) for k, v in node.items()}
        if isinstance(out.get("anyOf"), list):
            out["anyOf"] = any_of(out["anyOf"])
        return out

    rewritten: dict[str, Any] = walk(schema)
    return rewritten


def _offline(uri: str) -> Any:
    raise ValueError(f"remote $ref refused (the EPCIS schema is offline): {uri}")


_OPTIONS: dict[str, Any] = {
    "use_default": False,  # never write defaults into the caller's data
    "detailed_exceptions": False,  # the reference validator explains; this one only says yes or no
    "handlers": {"http": _offline, "https": _offline},
}


def _formats() -> dict[str, Callable[[Any], bool]]:
    return {"uri": is_uri, "date-time": is_date_time}


_FORMATTED_NAME = re.compile(r'"([^"{}]*)\{\w+\}([^"{}]*)"\.format\(\*\*locals\(\)\)')
_STR_EQ = r"isinstance\((\w+), str\) and \1 == '(?:[^'\\]|\\.)*'"
_ENUM_CHAIN = re.compile(rf"{_STR_EQ}(?: or isinstance\(\1, str\) and \1 == '(?:[^'\\]|\\.)*')+")
_STR_VALUE = re.compile(r"== ('(?:[^'\\]|\\.)*')")


def _as_membership(match: re.Match[str]) -> str:
    values = _STR_VALUE.findall(match.group(0))
    return f"isinstance({match.group(1)}, str) and {match.group(1)} in {{{', '.join(values)}}}"


def speed_up(code: str) -> str:
    """The generated validator's source with constant item names and enum chains as set membership."""
    code = _FORMATTED_NAME.sub(lambda m: '"' + m.group(1) + m.group(2) + '"', code)
    return _ENUM_CHAIN.sub(_as_membership, code)


def _compile(schema: dict[str, Any]) -> Callable[[Any], Any]:
    import fastjsonschema

    factory = getattr(fastjsonschema, "_factory", None)
    if factory is None:  # pragma: no cover - another fastjsonschema: compile it unchanged
        return fastjsonschema.compile(schema, formats=_formats(), **_OPTIONS)  # type: ignore[no-any-return]
    formats = _formats()
    resolver, generator = factory(schema, formats=formats, **_OPTIONS)
    state = generator.global_state
    exec(speed_up(generator.func_code), state)  # code generated from our own schema file
    func = state[resolver.get_scope_name()]
    return update_wrapper(partial(func, custom_formats=formats), func)


@cache
def document_validator() -> Callable[[Any], Any]:
    """The compiled root schema (documents, and events posted on their own)."""
    return _compile(fast_schema(epcis_schema()))


@cache
def event_validator() -> Callable[[Any], Any]:
    """The compiled schema of one member of a document's event list."""
    schema = fast_schema(epcis_schema())
    wrapper = {
        "$schema": schema["$schema"],
        "$id": schema["$id"],
        "allOf": [{"$ref": "#/definitions/EPCIS-Document-Event"}],
        "definitions": schema["definitions"],
    }
    return _compile(wrapper)


def is_valid(validate: Callable[[Any], Any], instance: Any) -> bool:
    """True when the compiled validator accepts `instance`; False when it refuses or fails in any way."""
    try:
        validate(instance)
    except Exception:  # any failure sends the instance to the reference validator
        return False
    return True
