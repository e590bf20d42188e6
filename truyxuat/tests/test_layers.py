"""The import graph: imports point down the layers, and no module imports itself round a circle.

Pure: reads the source with `ast` (no Django, no database, no import of the project). A module belongs to the
unit with the longest matching dotted prefix in `LAYERS`; a unit may import its own modules, any unit of a lower
layer, a unit of the same app in its layer and any pure core, never another app's unit of its own layer or above.
Pure cores import nothing from Django or from the apps except other pure cores. Imports under
``if TYPE_CHECKING:`` are annotations, not imports at run time, and are not counted. Imports inside functions
count as well: an import moved into a function is the same dependency, only hidden, and one that dodges a
circle means the layering is wrong. Tests and migrations are not checked: a test may import whatever it needs
to build its fixture.

A failure names each offending file and line.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PURE = (
    "gs1",
    "events.epcis",
    "ledger.merkle",
    "ledger.note",
    "ledger.tiles",
    "ledger.bundle",
    "core.numbers",
    "core.storage.walsync",
    "core.storage.collector",
)
"""Pure cores: no Django, no app; checked against outside references in their own tests."""

LAYERS: tuple[tuple[str, ...], ...] = (
    ("core",),
    ("accounts",),
    ("ledger",),
    ("catalog",),
    # Tokens and sign-up belong to an organisation (catalog's), so the account services sit above the catalogue.
    ("accounts.services", "accounts.signup_checks", "accounts.forms", "accounts.management"),
    ("stamps",),
    ("notifications",),
    ("events",),
    ("diary",),
    ("logistics",),
    # The national portal's outbox: the publication and recall services queue what they publish, in their
    # transaction; it reads only the catalogue.
    ("exchange.national", "exchange.models", "exchange.choices"),
    ("rules",),
    ("quality",),
    # Trainings, pilot models, monitored enterprises, self-study (issue 25): the plan's indicators count them.
    ("training",),
    # News and guidance pages the agency edits (issue 25), shown by the public pages above.
    ("news",),
    # The administrative document (Decree 30/2020 layout), its numbering and signers serve recalls and reports.
    ("reports",),
    ("recalls",),
    ("feedback",),
    ("complaints",),
    ("reviews",),
    ("surveys",),
    # The showcase of traced products reads the catalogue and prints with the reports' document fonts.
    ("showcase",),
    # Workflows that span domain apps (a fact, then the rules; publication, then the review policy).
    ("workflows",),
    ("iot",),
    ("rfid",),  # RFID gates: reads captured as events with the workflows' steps, on iot's readers
    ("exchange",),
    # Statistics read every domain app; the report services and their jobs build on them.
    ("reports.stats", "reports.services", "reports.jobs"),
    # Federation (issue 23): traces, recalls and witnessing across provinces' nodes, on events, recalls and the
    # ledger; the portal's resolver asks it which node a foreign code belongs to.
    ("federation",),
    # Analysis reads every domain app (events, diary, logistics, stamps, iot, quality) and holds lots via quality.
    ("analysis",),
    ("demo",),
    # UI: the page apps and the HTTP entry points that show several domain apps at once (the public catalogue API
    # shows a lot's holds from quality); none imports another.
    ("portal", "workspace", "oversight", "accounts.views", "accounts.urls", "catalog.api"),
    # Pages of the exchanges and sensors, built on the producer's and officer's page helpers.
    ("exchange.views", "exchange.urls", "exchange.api", "iot.ui", "rfid.ui", "analysis.ui", "analysis.templatetags"),
    # Federation's pages (officers' queue, the admin's peers, the consumer's chain across provinces) and endpoints.
    ("federation.views", "federation.urls", "federation.api"),
    # Pages of trainings, guidance lessons (PWA) and news (issue 25), on the officer's and the public base pages.
    ("training.views", "training.urls", "guidance", "news.views", "news.urls"),
    # The public showcase and the producer's page of it (issue 25), on the portal's and the workspace's base pages.
    ("showcase.views", "showcase.urls", "showcase.ui"),
    ("truyxuat",),
)


DJANGO = ("django", "ninja")
SKIPPED_PARTS = {"tests", "migrations", "__pycache__", ".venv", "node_modules"}


@dataclass(frozen=True)
class Import:
    source: str  # the importing module, dotted
    target: str  # the imported module, dotted (the longest existing module of the name)
    path: str
    line: int
    in_function: bool


def project_modules() -> dict[str, Path]:
    tops = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    modules: dict[str, Path] = {}
    for top in sorted(tops):
        for path in (ROOT / top).rglob("*.py"):
            rel = path.relative_to(ROOT)
            if SKIPPED_PARTS & set(rel.parts) or path.name == "conftest.py":
                continue
            parts = list(rel.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(tree: ast.Module) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement and whether it sits in a function; statements only (an import is one)."""
    stack: list[tuple[ast.AST, bool]] = [(tree, False)]
    while stack:
        node, in_function = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, in_function
            continue
        inner = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for name in _BODIES:
            children = getattr(node, name, None)
            if not isinstance(children, list):
                continue
            if name == "body" and isinstance(node, ast.If) and _type_checking(node):
                continue  # annotations only
            stack.extend((child, inner) for child in children if isinstance(child, ast.stmt | ast.excepthandler))
            stack.extend((child, inner) for child in children if isinstance(child, ast.match_case))


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    base = module.split(".")
    if not is_package:
        base.pop()
    base = base[: len(base) - node.level + 1] if node.level else []
    return ".".join([*base, node.module] if node.module else base)


def imports(modules: dict[str, Path]) -> Iterator[Import | tuple[str, str, int, str]]:
    """Project imports as `Import`; imports of Django by a pure core as (module, path, line, name)."""
    for module, path in modules.items():
        rel = str(path.relative_to(ROOT))
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
        for node, in_function in _walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                base = _absolute(node, module, path.name == "__init__.py") if node.level else (node.module or "")
                # `from package import submodule` imports the submodule.
                names = [f"{base}.{alias.name}" for alias in node.names] or [base]
            for name in names:
                if name.split(".")[0] in DJANGO:
                    yield (module, rel, node.lineno, name)
                    continue
                target = _resolve(name, modules)
                if target is not None and target != module:
                    yield Import(module, target, rel, node.lineno, in_function)


def _unit(module: str, units: dict[str, int]) -> str | None:
    name = module
    while name:
        if name in units:
            return name
        name = name.rpartition(".")[0]
    return None


def _pure(module: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in PURE)


def _layer_index() -> dict[str, int]:
    return {unit: level for level, layer in enumerate(LAYERS) for unit in layer}


def violations() -> tuple[list[str], list[str]]:
    """(upward or sideways imports and impure cores, import circles between modules)."""
    modules = project_modules()
    units = _layer_index()
    wrong: list[str] = []
    graph: dict[str, set[str]] = {m: set() for m in modules}
    where: dict[tuple[str, str], str] = {}
    for found in imports(modules):
        if isinstance(found, tuple):
            module, rel, line, name = found
            if _pure(module):
                wrong.append(f"{rel}:{line}: pure core {module} imports {name}")
            continue
        graph[found.source].add(found.target)
        where.setdefault((found.source, found.target), f"{found.path}:{found.line}")
        if _pure(found.source):
            if not _pure(found.target):
                wrong.append(f"{found.path}:{found.line}: pure core {found.source} imports {found.target}")
            continue
        if _pure(found.target):
            continue
        source, target = _unit(found.source, units), _unit(found.target, units)
        if source is None or target is None:
            continue  # test_every_app_is_in_a_layer names it
        if units[target] > units[source] or (
            units[target] == units[source] and source.split(".")[0] != target.split(".")[0]
        ):
            hidden = " (inside a function)" if found.in_function else ""
            wrong.append(
                f"{found.path}:{found.line}: {found.source} ({source}, layer {units[source]}) imports "
                f"{found.target} ({target}, layer {units[target]}){hidden}"
            )

    def named(cycle: list[str]) -> str:
        return " -> ".join(f"{m} [{where[(m, cycle[(i + 1) % len(cycle)])]}]" for i, m in enumerate(cycle))

    circles = [named(c) for c in _cycles(graph)]
    return sorted(set(wrong)), circles


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected component of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(_one_cycle(sorted(component), graph))
    return components


def _one_cycle(component: list[str], graph: dict[str, set[str]]) -> list[str]:
    """A shortest cycle from the component's first module back to itself (breadth-first)."""
    members = set(component)
    start = component[0]
    parent: dict[str, str] = {}
    queue = [start]
    for node in queue:
        for child in sorted(graph[node] & members):
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return path[::-1]
            if child not in parent:
                parent[child] = node
                queue.append(child)
    return component


@cache
def _found() -> tuple[list[str], list[str]]:
    return violations()


def test_every_app_is_in_a_layer() -> None:
    units = _layer_index()
    tops = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"bench", "scripts", "docs"}
    assert sorted(t for t in tops if t not in units and not _pure(t)) == []


def test_imports_point_down_the_layers() -> None:
    wrong, _circles = _found()
    assert wrong == [], "\n".join(wrong)


def test_no_import_circles() -> None:
    _wrong, circles = _found()
    assert circles == [], "\n".join(circles)
