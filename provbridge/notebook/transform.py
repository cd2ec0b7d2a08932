"""Instruments a parsed notebook cell like a script, keeping IPython's display of the last expression."""

from __future__ import annotations

import ast

from provbridge.capture.instrument import AFTER, Instrumenter, StmtInfo

_ASSIGNS = (ast.Assign, ast.AugAssign, ast.AnnAssign)


def instrument_cell(tree: ast.Module, source: str, granularity: int, first_index: int,
                    interactivity: str = "last_expr") -> tuple[ast.Module, list[StmtInfo]]:
    """Add the recorder's hooks to a cell IPython has parsed (``source`` is the text it parsed, so line
    numbers and statement texts agree). The tree is changed in place and returned with its StmtInfos."""
    last = tree.body[-1] if tree.body else None
    inst = Instrumenter(source, granularity, first_index)
    tree = inst.module(tree)
    if last is not None:
        _keep_display(tree, last, interactivity)
    return tree, inst.infos


def _is_hook(node: ast.stmt) -> bool:
    return (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name) and node.value.func.id == AFTER)


def _keep_display(tree: ast.Module, last: ast.stmt, interactivity: str) -> None:
    """IPython displays the value of a cell's last expression statement; after instrumentation the last
    statement is a hook. Fold the hook into the expression, ``(expr, hook(...))[0]``, so the expression is
    evaluated first, the hook runs after it, and the expression's value is what IPython displays."""
    body = tree.body
    if len(body) < 2 or not _is_hook(body[-1]) or body[-2] is not last:
        return
    hook = body[-1]
    assert isinstance(hook, ast.Expr)
    if isinstance(last, ast.Expr):
        pair = ast.Tuple(elts=[last.value, hook.value], ctx=ast.Load())
        value = ast.Subscript(value=pair, slice=ast.Constant(0), ctx=ast.Load())
        body[-2:] = [ast.copy_location(ast.Expr(value=ast.copy_location(value, last.value)), last)]
        ast.fix_missing_locations(tree)
    elif interactivity == "last_expr_or_assign" and isinstance(last, _ASSIGNS):
        # IPython would display the assigned name; it no longer sees the assignment last, so show it here.
        target = last.targets[0] if isinstance(last, ast.Assign) and len(last.targets) == 1 else (
            None if isinstance(last, ast.Assign) else last.target)
        if isinstance(target, ast.Name):
            show = ast.Expr(value=ast.Name(id=target.id, ctx=ast.Load()))
            body.append(ast.fix_missing_locations(ast.copy_location(show, last)))
