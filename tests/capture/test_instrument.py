"""Tests of provbridge.capture.instrument: the hook calls it writes into instrumented code."""

from __future__ import annotations

import ast
from collections import Counter

from provbridge.capture.instrument import instrument
from tests.conftest import Project, names


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


def _ending_returns(tree: ast.AST) -> list[ast.Call]:
    """``__pb_s__.leave(__pb_s__, index, value)``: returns that call the exit hook themselves."""
    return [call for call in _calls(tree, "leave") if len(call.args) == 3]


def test_a_return_that_ends_the_call_uses_one_hook() -> None:
    source = ("def f(x):\n    y = x + 1\n    if y:\n        return y\n    while y:\n        return 0\n"
              "def g(x):\n    y = x\n")
    tree, _ = instrument(source, "s.py", 1, 0)
    assert len(_ending_returns(tree)) == 2 and not _calls(tree, "ret")
    # leave() also runs when the body falls off its end (f, g) and in the handler that re-raises (f, g)
    assert len(_calls(tree, "leave")) == 2 + 4
    handlers = [n for n in ast.walk(tree) if isinstance(n, ast.ExceptHandler)
                and isinstance(n.type, ast.Name) and n.type.id == "BaseException"]
    assert len(handlers) == 2 and all(isinstance(h.body[-1], ast.Raise) and h.body[-1].exc is None
                                      for h in handlers)
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.Try) and n.finalbody]


def test_returns_inside_try_with_for_and_generators_keep_the_exit_hook_in_finally() -> None:
    sources = {
        "try": "def f(x):\n    try:\n        return x\n    finally:\n        x = 0\n",
        "handler": "def f(x):\n    try:\n        x = 1 / x\n    except ZeroDivisionError:\n        return 0\n"
                   "    return x\n",
        "with": "def f(x):\n    with x:\n        return 1\n    return 2\n",
        "for": "def f(x):\n    for i in x:\n        return i\n    return 0\n",
        "generator": "def f(x):\n    yield x\n    return x\n",
    }
    for what, source in sources.items():
        tree, _ = instrument(source, "s.py", 1, 0)
        assert not _ending_returns(tree), what
        assert len(_calls(tree, "ret")) == source.count("return"), what
        [leave] = _calls(tree, "leave")
        assert any(isinstance(n, ast.Try) and n.finalbody and n.finalbody[0].value is leave  # type: ignore[attr-defined]
                   for n in ast.walk(tree)), what
    # a return in a nested function or class body does not count for the enclosing one
    tree, _ = instrument("def f(x):\n    for i in x:\n        def g():\n            return i\n    return x\n",
                         "s.py", 1, 0)
    assert len(_ending_returns(tree)) == 2


def test_calls_ended_by_returns_raises_and_falling_off_record_the_same(project: Project) -> None:
    src = """
    def g(x):
        y = x * 2
        return y + 1
    def check(x):
        if x % 7 == 3:
            raise ValueError(x)
        return x
    def note(log, x):
        log.append(x)
    def outer(x):
        a = g(x)
        note(log, a)
        return check(a) + g(a)
    log = []
    total = 0
    failed = 0
    for k in range(40):
        try:
            total += outer(k)
        except ValueError:
            failed += 1
    """
    trial = project.capture(src, "--granularity", "1", "--fold", "5")
    expected = [k for k in range(40) if (2 * k + 1) % 7 != 3]
    assert trial.latest("total").value == sum((2 * k + 1) + 2 * (2 * k + 1) + 1 for k in expected)
    assert trial.latest("failed").value == 40 - len(expected)
    calls = trial.executions("call")
    counts = {name: sum(c.count for c in calls if c.name == name) for name in ("g", "check", "note", "outer")}
    assert counts == {"g": 40 + len(expected), "check": 40, "note": 40, "outer": 40}
    # the call rows and what each hangs from, the same as when every return called ret and then leave in a finally:
    # the first calls under the statement that made them, merged ones under the calling activation; the
    # call that raised under the statement that ran next in the module
    by_id = {e.id: e for e in trial.executions()}
    parents = Counter((c.name, by_id[c.parent].kind, by_id[c.parent].text) for c in calls if c.parent)
    assert parents == {
        ("check", "call", "def outer(x): …"): 2, ("check", "statement", "return check(a) + g(a)"): 3,
        ("g", "call", "def outer(x): …"): 1, ("g", "statement", "a = g(x)"): 3,
        ("g", "statement", "return check(a) + g(a)"): 1,
        ("note", "call", "def outer(x): …"): 1, ("note", "statement", "note(log, a)"): 4,
        ("outer", "module", None): 1, ("outer", "statement", "failed += 1"): 1,
        ("outer", "statement", "total += outer(k)"): 3,
    }
    returns = [v for v in trial.versions("return") if v.scope == "check"]
    assert sum(v.count for v in returns) == len(expected)
    assert names(trial.backward("total")) >= {"a", "x", "y", "return", "k"}
