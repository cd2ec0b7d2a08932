"""Papermill-style parameters: ``-p NAME VALUE`` values and the injected cell after the ``parameters`` cell."""

from __future__ import annotations

import ast
import keyword
import math
from typing import Any

import nbformat

PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"


def parse_value(text: str) -> Any:
    """A Python literal when ``text`` is one (``0.1``, ``3``, ``True``, ``None``, ``[1, 2]``, ``'a'``), else
    the text itself as a string."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text


def check_name(name: str) -> None:
    """Raise ValueError unless ``name`` can be assigned to (an identifier that is not a keyword)."""
    if not name.isidentifier():
        raise ValueError(f"parameter name {name!r} is not a Python identifier")
    if keyword.iskeyword(name):
        raise ValueError(f"parameter name {name!r} is a Python keyword")


def literal(value: Any) -> str:
    """Python source that evaluates to ``value`` (``float('inf')`` for an infinite float, which ``repr``
    writes as ``inf``); ValueError for a value that has none."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"float({repr(value)!r})"
    if isinstance(value, complex) and not (math.isfinite(value.real) and math.isfinite(value.imag)):
        return f"complex({literal(value.real)}, {literal(value.imag)})"
    if isinstance(value, list | tuple | set | frozenset):
        items = [literal(item) for item in value]
        if isinstance(value, list):
            return "[" + ", ".join(items) + "]"
        if isinstance(value, tuple):
            return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
        return "{" + ", ".join(items) + "}" if items else "set()"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    text = repr(value)
    try:
        ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        raise ValueError(f"a parameter value {text[:40]!r} cannot be written as Python source") from None
    return text


def parameters_source(parameters: dict[str, Any]) -> str:
    """The source of the injected cell: one assignment per parameter."""
    lines = ["# Parameters injected by provbridge run"]
    lines += [f"{name} = {literal(value)}" for name, value in parameters.items()]
    return "\n".join(lines) + "\n"


def invalid_reason(exc: BaseException) -> str:
    """The first line of an nbformat validation error (the rest is the schema and the whole instance)."""
    message = getattr(exc, "message", None) or str(exc)
    return " ".join(str(message).splitlines()[0].split()) if str(message).strip() else type(exc).__name__


def inject_parameters(nb: Any, parameters: dict[str, Any]) -> int | None:
    """Insert a cell tagged ``injected-parameters`` after the cell tagged ``parameters`` (at the top when
    there is none), replacing one injected before; returns its index, or None without parameters."""
    if not parameters:
        return None
    for name in parameters:
        check_name(name)
    source = parameters_source(parameters)
    cells = nb.cells
    cells[:] = [c for c in cells if INJECTED_TAG not in c.get("metadata", {}).get("tags", [])]
    index = 0
    for i, cell in enumerate(cells):
        if PARAMETERS_TAG in cell.get("metadata", {}).get("tags", []):
            index = i + 1
            break
    new = nbformat.v4.new_code_cell(source, metadata={"tags": [INJECTED_TAG]})
    cells.insert(index, new)
    return index
