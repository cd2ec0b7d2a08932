"""Tests of provbridge.capture.instrument: the hook calls it writes into instrumented code."""

from __future__ import annotations

import ast

from provbridge.capture.instrument import instrument


def _calls(tree: ast.AST, hook: str) -> list[ast.Call]:
    """The calls of ``hook``, as a builtin (``hook(...)``) or through the scope (``__pb_s__.hook(...)``)."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if (isinstance(func, ast.Name) and func.id == hook) or (
                    isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                    and func.value.id == "__pb_s__" and func.attr == hook):
                out.append(node)
    return out


def test_statement_hooks_pass_their_values_in_one_tuple() -> None:
    tree, _ = instrument("a, b = 1, 2\nprint(a)\ndef f(x):\n    y = x\n", "s.py", 1, 0)
    module = _calls(tree, "__pb_after__")
    assert all(isinstance(call.args[2], ast.Tuple) for call in module)
    assert [[elt.id for elt in call.args[2].elts] for call in module] == [["a", "b"], [], ["f"]]  # type: ignore[attr-defined]
    inner = _calls(tree, "after")
    assert [[type(arg).__name__ for arg in call.args] for call in inner] == [["Name", "Constant", "Tuple"]]
    assert [elt.id for elt in inner[0].args[2].elts] == ["y"]  # type: ignore[attr-defined]
