"""The package's imports follow its pipeline: no cycles, no stage importing a later one, no library code
importing the CLI. Function-level imports count; only ``if TYPE_CHECKING:`` blocks are skipped."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "provbridge"

# stage -> stages it must never import (issue 17)
FORBIDDEN: dict[str, set[str]] = {
    stage: {"export", "query", "render", "imports", "remote", "manage", "notebook", "cli"}
    for stage in ("store", "translate", "capture")
}
FORBIDDEN["export"] = {"query", "render", "imports", "remote", "manage", "cli"}
FORBIDDEN["query"] = {"imports", "remote", "manage", "cli"}
FORBIDDEN["render"] = {"imports", "remote", "manage", "cli"}

# Imports against the pipeline that main still has; the structure issue removes them. This list may only
# shrink: a new violation fails the test, and so does an entry that no longer occurs (delete it).
KNOWN_VIOLATIONS: set[tuple[str, str]] = set()  # none left: the check is strict
# The import cycle main still has (through the Trial facade in store.store and the stored-graph branches);
# a cycle is allowed only inside it, so it may only shrink.
KNOWN_CYCLE: frozenset[str] = frozenset()


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


class _Imports(ast.NodeVisitor):
    """Every module an AST imports (at any depth), resolved against the package's module names."""

    def __init__(self, module: str, is_package: bool) -> None:
        self.module, self.is_package = module, is_package
        self.names: set[str] = set()

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        if (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        ):
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        self.names.update(alias.name for alias in node.names)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:
            parts = self.module.split(".")
            if not self.is_package:
                parts = parts[:-1]
            parts = parts[: len(parts) - (node.level - 1)]
            base = ".".join([*parts, base] if base else parts)
        self.names.add(base)
        self.names.update(f"{base}.{alias.name}" for alias in node.names)


def import_graph() -> dict[str, set[str]]:
    """module -> the package modules it imports (the ``provbridge`` root's re-exports excluded)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        visitor = _Imports(name, path.name == "__init__.py")
        visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
        targets: set[str] = set()
        for imported in visitor.names:
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported and imported != name and imported != "provbridge":
                targets.add(imported)
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
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
                    found.append(sorted(component))
    return found


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def violations(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    """(importer, imported) pairs that run against the pipeline, or into the CLI from outside it."""
    bad = set()
    for module, targets in graph.items():
        stage = _stage(module)
        for target in targets:
            into_cli = _stage(target) == "cli" and stage not in ("cli", "__main__")
            if into_cli or _stage(target) in FORBIDDEN.get(stage, set()):
                bad.add((module, target))
    return bad


def test_the_analysis_sees_function_level_imports_and_skips_type_checking() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from provbridge.cli import table\n"
        "def f():\n    from ..query import api\n    import provbridge.render.build\n"
    )
    visitor = _Imports("provbridge.store.store", False)
    visitor.visit(ast.parse(source))
    assert "provbridge.query.api" in visitor.names
    assert "provbridge.render.build" in visitor.names
    assert not any(name.startswith("provbridge.cli") for name in visitor.names)
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_new_import_against_the_pipeline() -> None:
    found = violations(import_graph())
    assert found - KNOWN_VIOLATIONS == set(), "new imports against the pipeline"
    assert KNOWN_VIOLATIONS - found == set(), "fixed: remove these from KNOWN_VIOLATIONS"


def test_no_new_import_cycle() -> None:
    found = cycles(import_graph())
    assert [c for c in found if not set(c) <= KNOWN_CYCLE] == []
    assert len(found) <= 1
