"""The output options every row-printing command shares: ``--json``, ``--csv`` and ``--md``, else its own text."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Union

from provbridge.tables import frame_records, render, to_json

if TYPE_CHECKING:
    import pandas

Rows = Union[Sequence[Mapping[str, Any]], "pandas.DataFrame"]
_UNSET: Any = object()


def add_output_options(parser: argparse.ArgumentParser, *, json_help: str = "one JSON object per row, in a list",
                       what: str = "row") -> None:
    """Add the mutually exclusive ``--json``, ``--csv`` and ``--md`` options to a command's parser."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true", help=json_help)
    group.add_argument("--csv", action="store_true", help=f"comma-separated values: a header row, one line per {what}")
    group.add_argument("--md", action="store_true", help=f"a Markdown table, one line per {what}")


def output_format(args: argparse.Namespace) -> str | None:
    """The form chosen on the command line (``json``, ``csv`` or ``md``), None for the command's text."""
    for name in ("json", "csv", "md"):
        if getattr(args, name, False):
            return name
    return None


def print_rows(args: argparse.Namespace, rows: Rows, columns: Sequence[str] | None = None, *,
               json: Any = _UNSET) -> bool:
    """Print ``rows`` (dicts or a DataFrame) in the chosen form and return True; return False, printing
    nothing, when no form was chosen (the command prints its text). ``columns`` fixes the CSV and Markdown
    columns (else the rows' keys); ``json`` replaces the list of rows as the JSON document."""
    fmt = output_format(args)
    if fmt is None:
        return False
    records = rows if isinstance(rows, Sequence) else frame_records(rows)
    if fmt == "json" and json is not _UNSET:
        sys.stdout.write(to_json(json) + "\n")
    else:
        sys.stdout.write(render(fmt, records, columns))
    return True
