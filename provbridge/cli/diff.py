"""``provbridge diff T1 T2``: what differs between two trials."""

from __future__ import annotations

import argparse
from typing import Any

import orjson

from provbridge.store.store import open_store


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
    if args.remote is not None:  # the canned comparison queries on a remote (provbridge.remote)
        from provbridge.remote.views import diff_text, remote_diff

        with open_store(args.store) as store:
            found = remote_diff(store, args.first, args.second, args.remote, all=args.all)
        print(orjson.dumps(found, option=orjson.OPT_INDENT_2, default=str).decode() if args.json else diff_text(found))
        return 0
    from provbridge.manage.diff import compare_any

    with open_store(args.store) as store:
        first, second = store.trial(args.first), store.trial(args.second)
        result: Any = compare_any(first, second, all=args.all, tol=args.tol, artifacts=args.artifacts, store=store)
    if args.json:
        print(orjson.dumps(result.to_dict(), option=orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY,
                           default=str).decode())
    else:
        print(result.text())
    return 0
