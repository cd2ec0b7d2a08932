"""``provbridge pull [--from NAME] [TRIAL ...]``: bring trials from a remote SPARQL store into this store.

TRIAL is a trial UUID (or a prefix of it) or a graph IRI on the remote; without any, every trial there.
Each is fetched with the Graph Store Protocol and stored as an imported trial (see ``provbridge import``);
trials recorded in this store, and trials pulled before with the same content, are not stored again."""

from __future__ import annotations

import argparse
from dataclasses import asdict

from provbridge.cli.output import add_output_options, print_rows
from provbridge.remote.config import get_remote
from provbridge.remote.pull import pull_trials
from provbridge.store.store import open_store

PULL_COLUMNS = ("graph", "status", "trials", "triples")  # Pulled fields


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("trials", metavar="TRIAL", nargs="*", help="trial UUIDs (or prefixes) or graph IRIs")
    parser.add_argument("--from", dest="source", metavar="NAME", help="the remote (default: the only one, or origin)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    add_output_options(parser, what="remote graph",
                       json_help="one JSON object per remote graph, in a list (`trials`: the local trial numbers)")


def run(args: argparse.Namespace) -> int:
    with open_store(args.store) as store:
        remote = get_remote(store.directory, args.source)
        outcomes = pull_trials(store, remote, args.trials, progress=not args.quiet)
        rows = [asdict(p) for p in outcomes]
        # CSV and Markdown cells hold one value: the trial numbers space-separated
        flat = [{**row, "trials": " ".join(map(str, row["trials"]))} for row in rows]
        if print_rows(args, flat, PULL_COLUMNS, json=rows):
            return 0
        for pulled in outcomes:
            if args.quiet:
                continue
            numbers = ", ".join(str(n) for n in pulled.trials)
            if pulled.status == "pulled":
                print(f"{pulled.graph}: pulled {pulled.triples:,} triples as trial {numbers}")
            elif pulled.status == "present":
                print(f"{pulled.graph}: already pulled (trial {numbers})")
            else:
                print(f"{pulled.graph}: recorded here (trial {numbers})")
    return 0
