"""``provbridge trials``: list the recorded trials with their tagged parameters, metrics and tags."""

from __future__ import annotations

import argparse
import csv
import sys
from typing import Any

import orjson

from provbridge.cli.table import format_table
from provbridge.store.store import open_store

EXTRA_PREFIXES = ("params.", "metrics.", "tags.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true",
                     help="one JSON object per trial, in a list (its parameters also as an object `params`)")
    out.add_argument("--csv", action="store_true", help="comma-separated values with a header row")
    parser.add_argument("--only-changed", action="store_true",
                        help="keep only the columns whose values differ between trials (plus number and name)")


def run(args: argparse.Namespace) -> int:
    from provbridge.manage.table import trial_records

    with open_store(args.store) as store:
        records = trial_records(store, only_changed=args.only_changed, params_object=args.json)
    if args.json:
        print(orjson.dumps(records, option=orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY, default=str).decode())
        return 0
    if args.csv:
        keys = list(records[0]) if records else ["number", "id", "name", "main", "status"]
        writer = csv.DictWriter(sys.stdout, fieldnames=keys, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
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
