"""``provbridge values NAME``: a variable's final value in every trial."""

from __future__ import annotations

import argparse
from typing import Any

from provbridge.cli.output import add_output_options, print_rows
from provbridge.store.store import open_store
from provbridge.tables import format_table, frame_records

SHOWN = ("trial", "trial_name", "role", "version", "type", "value", "shape", "dtype", "mean", "std", "min", "max")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("variable", help="variable name (tagged or not)")
    add_output_options(parser, what="trial", json_help="one JSON object per trial, in a list")
    parser.add_argument("--tag", metavar="T", help="only the trials where the variable carries tag T (a kind such "
                        "as metric, a stage such as evaluation, a cell tag)")
    parser.add_argument("--remote", metavar="NAME", help="the values in every trial on a remote SPARQL store")


def records(variable: str, store_arg: str | None, tag: str | None = None) -> list[dict[str, Any]]:
    """The rows of ``values`` as JSON-ready dicts, as the remote's (provbridge.remote.views.remote_values)."""
    from provbridge.manage.values import values

    with open_store(store_arg) as store:
        rows = frame_records(values(variable, store=store, tag=tag))
    for row in rows:
        if isinstance(row.get("shape"), tuple):
            row["shape"] = list(row["shape"])
    return rows


def run(args: argparse.Namespace) -> int:
    if args.remote is not None:  # the canned values query on a remote (provbridge.remote)
        if args.tag is not None:
            from provbridge.manage.common import ManageError

            raise ManageError("--tag reads the local store: use it without --remote")
        from provbridge.remote.views import remote_values

        with open_store(args.store) as store:
            rows = remote_values(store, args.variable, args.remote)
    else:
        rows = records(args.variable, args.store, args.tag)
    if print_rows(args, rows, list(rows[0]) if rows else None):
        return 0
    shown = [k for k in SHOWN if any(r.get(k) is not None for r in rows) or k in ("trial", "value")]
    print(format_table(shown, [[r.get(k) for k in shown] for r in rows]))
    return 0
