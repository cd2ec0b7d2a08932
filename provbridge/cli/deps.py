"""``provbridge deps VAR``: the backward dependencies of a variable (what produced its value).

``--json`` prints one object, stable across versions of provbridge::

    {"query": "deps", "target": "VAR", "granularity": 0 | 1, "all_versions": bool,
     "trial": {"id": int, "uuid": str, "label": str, "granularity": 0 | 1},
     "versions": [{"trial": int, "version": int, "name": str, "scope": str | null, "kind": str,
                   "type": str | null, "value": scalar | str | null, "sha256": str | null,
                   "statement": str | null, "line": int | null, "execution": int | null,
                   "parent": int | null, "iri": str}, ...]}

``granularity`` is the level the query used (``--granularity``, by default the trial's own) and
``trial.granularity`` the level the trial was recorded at. A file path is taken relative to the current
directory, as a shell does. ``versions`` lists every contributing version (variable or file version,
``kind`` "file"), ordered by version number; ``value`` is the exact scalar when recorded, else the
display text; ``execution`` is the number of the execution that generated the version (a statement, or a
call for parameters) and ``parent`` that of the enclosing execution (function call, cell or module);
``iri`` is the version's PROV IRI. ``--csv`` and ``--md`` print the ``versions`` rows alone."""

from __future__ import annotations

import argparse

from provbridge.cli.output import add_output_options
from provbridge.query.api import deps, version_records
from provbridge.query.granularity import DEFAULT_GRANULARITY, cli_help, granularity_note, query_granularity
from provbridge.query.output import print_versions
from provbridge.query.targets import get_trial


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("variable", metavar="VAR", help="variable name, NAME@N for version N, or a file path")
    parser.add_argument("--trial", "-t", metavar="T", help="trial: number, `last`, name or id prefix (default: last)")
    parser.add_argument("--granularity", "-g", type=int, choices=(0, 1), default=DEFAULT_GRANULARITY,
                        help=cli_help())
    parser.add_argument("--all-versions", "-a", action="store_true",
                        help="dependencies of every version of the variable, not only the latest")
    add_output_options(parser, what="version", json_help="print JSON (format in `pydoc provbridge.cli.deps`)")
    parser.add_argument("--remote", metavar="NAME", help="query a remote SPARQL store the trial was pushed to")


def run(args: argparse.Namespace) -> int:
    trial = get_trial(args.trial, args.store)
    level = query_granularity(args.granularity, trial)
    result = deps(args.variable, trial=trial, granularity=level, all_versions=args.all_versions,
                  raw=True, remote=args.remote)
    rows = version_records(result, trial)
    what = "every version of " if args.all_versions else ""
    title = f"backward dependencies of {what}{args.variable} in trial {trial.id} ({granularity_note(level, trial)})"
    print_versions("deps", args, trial, rows, title, level, all_versions=args.all_versions)
    return 0
