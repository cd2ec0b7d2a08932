"""Papermill-style parameters: ``-p NAME VALUE`` values and the injected cell after the ``parameters`` cell."""

from __future__ import annotations

import ast
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


def parameters_source(parameters: dict[str, Any]) -> str:
    """The source of the injected cell: one assignment per parameter."""
    lines = ["# Parameters injected by provbridge run"]
    lines += [f"{name} = {value!r}" for name, value in parameters.items()]
    return "\n".join(lines) + "\n"


def inject_parameters(nb: Any, parameters: dict[str, Any]) -> int | None:
    """Insert a cell tagged ``injected-parameters`` after the cell tagged ``parameters`` (at the top when
    there is none), replacing one injected before; returns its index, or None without parameters."""
    if not parameters:
        return None
    for name in parameters:
        if not name.isidentifier():
            raise ValueError(f"parameter name {name!r} is not a Python identifier")
    cells = nb.cells
    cells[:] = [c for c in cells if INJECTED_TAG not in c.get("metadata", {}).get("tags", [])]
    index = 0
    for i, cell in enumerate(cells):
        if PARAMETERS_TAG in cell.get("metadata", {}).get("tags", []):
            index = i + 1
            break
    new = nbformat.v4.new_code_cell(parameters_source(parameters), metadata={"tags": [INJECTED_TAG]})
    cells.insert(index, new)
    return index
