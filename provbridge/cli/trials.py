"""``provbridge trials``: list the recorded trials with their tagged parameters, metrics and tags."""

from __future__ import annotations

import argparse
from typing import Any

from provbridge.cli.output import add_output_options, print_rows
from provbridge.store.store import open_store
from provbridge.tables import format_table

EXTRA_PREFIXES = ("params.", "metrics.", "tags.")
EMPTY_COLUMNS = ("number", "id", "name", "main", "status")  # the CSV and Markdown header of an empty store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_output_options(parser, what="trial",
                       json_help="one JSON object per trial, in a list (its parameters also as an object `params`)")
    parser.add_argument("--only-changed", action="store_true",
                        help="keep only the columns whose values differ between trials (plus number and name)")


def run(args: argparse.Namespace) -> int:
    from provbridge.manage.table import trial_records

    with open_store(args.store) as store:
        records = trial_records(store, only_changed=args.only_changed, params_object=args.json)
    if print_rows(args, records, list(records[0]) if records else list(EMPTY_COLUMNS)):
        return 0
    if not records:
        print("no trials yet: run `provbridge run SCRIPT`")
        return 0
    print(_table(records, args.only_changed))
    return 0


def _table(records: list[dict[str, Any]], only_changed: bool) -> str:
    """The terminal table: identity, status, timing and counts, then the tagged columns."""
    base = [("#", "number"), ("id", "id"), ("name", "name"), ("script", "main"), ("status", "status"),
            ("started (UTC)", "started_at"), ("duration", "duration"), ("executions", "executions"),
            ("versions", "versions"), ("files", "file_accesses")]
    present = set(records[0])
    columns = [(h, k) for h, k in base if k in present]
    columns += [(k, k) for k in records[0] if k.startswith(EXTRA_PREFIXES)]
    if only_changed:
        columns += [(k, k) for k in records[0] if k not in {c[1] for c in columns}]
    rows = [[_cell(key, r.get(key)) for _, key in columns] for r in records]
    return format_table([h for h, _ in columns], rows)


def _cell(key: str, value: Any) -> Any:
    if value is None:
        return None
    if key == "id":
        return str(value)[:8]
    if key == "main":
        return str(value).rsplit("/", 1)[-1]
    if key == "started_at":
        return str(value)[:19].replace("T", " ")
    if key == "duration":
        return f"{value:.2f}s"
    return value
