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
the current directory, as a shell does (else as recorded, else relative to the trial's working directory).

``--all-trials`` follows the content across trials (provbridge.query.lineage.impact_all): every later trial
that read a file whose content derives from NAME, and what it derived. ``--json`` then prints::

    {"query": "impact", "target": "NAME", "all_trials": true, "granularity": 0 | 1,
     "trial": {"id": int, "uuid": str, "label": str, "granularity": 0 | 1},
     "versions": [{"trial": int | null, "uuid": str, "trial_name": str | null, "version": int,
                   "name": str, "kind": str, "role": "read" | "wrote" | null, "sha256": str | null,
                   "value": scalar | str | null, "statement": str | null, "line": int | null,
                   "iri": str}, ...],
     "labels": {uuid: label, ...}}

ordered by trial and version (``role`` tells a file version read from one written in its trial).
Without ``--trial`` the start is the last trial that recorded NAME."""

from __future__ import annotations

import argparse
from typing import Any

from provbridge.cli.output import add_output_options, print_rows
from provbridge.errors import VariableNotFoundError
from provbridge.query.api import impact, version_records
from provbridge.query.granularity import DEFAULT_GRANULARITY, cli_help, granularity_note, query_granularity
from provbridge.query.lineage import IMPACT_COLUMNS, impact_all
from provbridge.query.output import print_versions
from provbridge.query.targets import get_store, get_trial, path_candidates
from provbridge.store.store import Trial
from provbridge.tables import format_table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", metavar="NAME", help="variable name or file path")
    parser.add_argument("--trial", "-t", metavar="T", help="trial: number, `last`, name or id prefix (default: last)")
    parser.add_argument("--granularity", "-g", type=int, choices=(0, 1), default=DEFAULT_GRANULARITY,
                        help=cli_help())
    add_output_options(parser, what="version", json_help="print JSON (format in `pydoc provbridge.cli.impact`)")
    parser.add_argument("--remote", metavar="NAME", help="query a remote SPARQL store the trial was pushed to")
    parser.add_argument("--all-trials", "-A", action="store_true",
                        help="follow the content into every later trial that read it (by sha256)")


def run(args: argparse.Namespace) -> int:
    if args.all_trials:
        return _all_trials(args)
    trial = get_trial(args.trial, args.store)
    level = query_granularity(args.granularity, trial)
    rows = version_records(impact(args.name, trial=trial, granularity=level, raw=True, remote=args.remote), trial)
    title = f"forward impact of {args.name} in trial {trial.id} ({granularity_note(level, trial)})"
    print_versions("impact", args, trial, rows, title, level)
    return 0


def _all_trials(args: argparse.Namespace) -> int:
    trial = get_trial(args.trial, args.store) if args.trial else _last_recording(args.name, args.store)
    level = query_granularity(args.granularity, trial)
    frame = impact_all(args.name, trial=trial, granularity=level, remote=args.remote)
    rows = [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]
    document = {
        "query": "impact", "target": args.name, "all_trials": True, "granularity": level,
        "trial": {"id": trial.id, "uuid": trial.uuid, "label": trial.label, "granularity": trial.granularity},
        "versions": rows, "labels": frame.attrs.get("labels", {}),
    }
    if print_rows(args, rows, IMPACT_COLUMNS, json=document):
        return 0
    trials = len({r["uuid"] for r in rows})
    print(f"forward impact of {args.name} from trial {trial.id} across trials "
          f"({granularity_note(level, trial)}): {trials} trial{'s' if trials != 1 else ''}, "
          f"{len(rows)} version{'s' if len(rows) != 1 else ''}")
    if rows:
        labels = frame.attrs.get("labels", {})
        table = [[r["trial"] if r["trial"] is not None else str(r["uuid"])[:8], labels.get(r["uuid"]),
                  f"{r['name']}@{r['version']}", r["role"] or r["kind"],
                  f"sha256:{r['sha256'][:12]}" if r["sha256"] else r["value"], r["line"], r["statement"]]
                 for r in rows]
        print(format_table(["trial", "label", "version", "kind", "value", "line", "statement"], table))
    return 0


def _last_recording(name: str, store: Any) -> Trial:
    """The last trial that recorded a variable or file ``name`` (else an error naming it)."""
    opened = get_store(store)
    for trial in reversed(opened.trials()):
        for candidate in path_candidates(trial, name):
            if trial.conn.execute("SELECT 1 FROM versions WHERE trial_id = ? AND name = ? LIMIT 1",
                                  (trial.id, candidate)).fetchone():
                return trial
    raise VariableNotFoundError(f"no trial recorded a variable or file {name!r}")


def _plain(value: Any) -> Any:
    """None for pandas' missing values, ints for whole-number floats (numbers in a float column)."""
    if isinstance(value, float) and value != value:
        return None
    return value
