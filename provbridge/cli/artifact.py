"""``provbridge artifacts [TRIAL]``: list saved artifacts and whether their objects are intact."""

from __future__ import annotations

import argparse

from provbridge.cli.output import add_output_options, print_rows
from provbridge.store.store import open_store
from provbridge.tables import format_table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("trial", nargs="?", default=None, help="only this trial (default: every trial)")
    add_output_options(parser, what="artifact", json_help="one JSON object per artifact, in a list")


def run(args: argparse.Namespace) -> int:
    from provbridge.manage.artifacts import artifacts

    with open_store(args.store) as store:
        frame = artifacts(args.trial, store=store)
    rows = frame.to_dict("records")
    if print_rows(args, rows, list(frame.columns)):
        return 0
    if not rows:
        print("no artifacts: save one with provbridge.save_artifact(obj, name)")
        return 0
    print(format_table(["trial", "name", "version", "type", "size", "sha256", "intact"], [
        (r["trial"], r["name"], r["version"], r["type"], r["size"], r["sha256"][:12],
         "yes" if r["intact"] else "NO") for r in rows
    ]))
    return 0
