"""``provbridge diff T1 T2``: what differs between two trials."""

from __future__ import annotations

import argparse
from typing import Any

from provbridge.store.store import open_store
from provbridge.tables import to_json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("first", help="trial: number, `last~1`, name or id prefix")
    parser.add_argument("second", nargs="?", default="last", help="trial to compare with (default: last)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--all", action="store_true", help="also list what is unchanged")
    parser.add_argument("--tol", type=float, default=0.0, metavar="X",
                        help="absolute tolerance for numbers (default 0)")
    parser.add_argument("--artifacts", action="store_true",
                        help="compare the artifacts both trials saved exactly (unpickles them)")
    parser.add_argument("--remote", metavar="NAME",
                        help="compare the trials' graphs on a remote SPARQL store (the canned comparison queries)")


def run(args: argparse.Namespace) -> int:
    with open_store(args.store) as store:
        if args.remote is not None:  # the canned comparison queries on a remote (provbridge.remote)
            from provbridge.remote.views import remote_diff

            result: Any = remote_diff(store, args.first, args.second, args.remote, all=args.all)
        else:
            from provbridge.manage.diff import compare_any

            first, second = store.trial(args.first), store.trial(args.second)
            result = compare_any(first, second, all=args.all, tol=args.tol, artifacts=args.artifacts, store=store)
    print(to_json(result.to_dict()) if args.json else result.text())
    return 0
