"""``provbridge impact NAME``: the forward impact of a variable or a file (everything derived from it).

``--json`` prints one object, stable across versions of provbridge::

    {"query": "impact", "target": "NAME", "granularity": 0 | 1,
     "trial": {"id": int, "uuid": str, "label": str, "granularity": 0 | 1},
     "versions": [{"trial": int, "version": int, "name": str, "scope": str | null, "kind": str,
                   "type": str | null, "value": scalar | str | null, "sha256": str | null,
                   "statement": str | null, "line": int | null, "execution": int | null,
                   "parent": int | null, "iri": str}, ...]}

``versions`` lists every version derived (transitively) from any version of NAME, ordered by version
number (fields as in ``provbridge deps --json``; ``granularity`` is the query's, ``trial.granularity`` the
trial's own; ``--csv`` and ``--md`` print the ``versions`` rows alone). A file path is taken relative to
the current directory, as a shell does (else as recorded, else relative to the trial's working directory)."""

from __future__ import annotations

import argparse

from provbridge.cli.output import add_output_options
from provbridge.query.api import impact, version_records
from provbridge.query.granularity import DEFAULT_GRANULARITY, cli_help, granularity_note, query_granularity
from provbridge.query.output import print_versions
from provbridge.query.targets import get_trial


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", metavar="NAME", help="variable name or file path")
    parser.add_argument("--trial", "-t", metavar="T", help="trial: number, `last`, name or id prefix (default: last)")
    parser.add_argument("--granularity", "-g", type=int, choices=(0, 1), default=DEFAULT_GRANULARITY,
                        help=cli_help())
    add_output_options(parser, what="version", json_help="print JSON (format in `pydoc provbridge.cli.impact`)")
    parser.add_argument("--remote", metavar="NAME", help="query a remote SPARQL store the trial was pushed to")


def run(args: argparse.Namespace) -> int:
    trial = get_trial(args.trial, args.store)
    level = query_granularity(args.granularity, trial)
    rows = version_records(impact(args.name, trial=trial, granularity=level, raw=True, remote=args.remote), trial)
    title = f"forward impact of {args.name} in trial {trial.id} ({granularity_note(level, trial)})"
    print_versions("impact", args, trial, rows, title, level)
    return 0
