"""``provbridge artifacts [TRIAL]``: list saved artifacts and whether their objects are intact."""

from __future__ import annotations

import argparse

import orjson

from provbridge.cli.table import format_table
from provbridge.store.store import open_store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("trial", nargs="?", default=None, help="only this trial (default: every trial)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def run(args: argparse.Namespace) -> int:
    from provbridge.manage.artifacts import artifacts

    with open_store(args.store) as store:
        frame = artifacts(args.trial, store=store)
    rows = frame.to_dict("records")
    if args.json:
        print(orjson.dumps(rows, option=orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY, default=str).decode())
        return 0
    if not rows:
        print("no artifacts: save one with provbridge.save_artifact(obj, name)")
        return 0
    print(format_table(["trial", "name", "version", "type", "size", "sha256", "intact"], [
        (r["trial"], r["name"], r["version_id"], r["type"], r["size"], r["sha256"][:12],
         "yes" if r["intact"] else "NO") for r in rows
    ]))
    return 0
