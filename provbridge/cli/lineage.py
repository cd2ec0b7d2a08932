"""``provbridge lineage PATH|VAR``: where a result came from across trials, by file content.

Walks backward from the latest version of VAR (or of the file PATH) in a trial (default: the last): the
files its trial read that it derives from, the trials that wrote those contents (same sha256), what those
read, and so on. ``--json`` prints one object::

    {"query": "lineage", "target": "VAR",
     "trial": {"id": int, "uuid": str, "label": str},
     "nodes": [{"depth": int, "trial": int | null, "uuid": str, "trial_name": str | null,
                "role": "target" | "read" | "wrote", "name": str, "version": int | null,
                "sha256": str | null, "iri": str}, ...],
     "edges": [{"from": iri, "to": iri, "kind": "derived" | "content"}, ...],
     "labels": {uuid: label, ...}}

``trial_name`` is the trial's name (null when unnamed); ``labels`` gives each trial of this store its label
(its name, else its script), as the cluster titles show it.

``depth`` counts the trials between a node and the target's trial; ``derived`` edges go from an input to
what derives from it in one trial, ``content`` edges from a written file version to a read of the same
content in another. ``--csv`` and ``--md`` print the ``nodes`` rows alone; ``--dot FILE`` also draws the
lineage with one cluster per trial (.dot/.gv: DOT source; .svg, .png, .pdf: rendered by Graphviz)."""

from __future__ import annotations

import argparse

from provbridge.cli.output import add_output_options, print_rows
from provbridge.query.lineage import LINEAGE_COLUMNS, lineage
from provbridge.query.targets import get_trial
from provbridge.render.lineage import save_lineage, trial_title
from provbridge.tables import format_table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", metavar="PATH|VAR", help="variable name or file path")
    parser.add_argument("--trial", "-t", metavar="T", help="trial: number, `last`, name or id prefix (default: last)")
    add_output_options(parser, what="node", json_help="print JSON (format in `pydoc provbridge.cli.lineage`)")
    parser.add_argument("--dot", metavar="FILE", help="also draw the lineage into FILE (.dot, .svg, .png, .pdf)")
    parser.add_argument("--remote", metavar="NAME", help="query a remote SPARQL store the trials were pushed to")


def run(args: argparse.Namespace) -> int:
    trial = get_trial(args.trial, args.store)
    frame = lineage(args.target, trial=trial, remote=args.remote)
    if args.dot:
        save_lineage(frame, args.dot, title=f"lineage of {args.target} (trial {trial.id})")
    records = [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]
    document = {
        "query": "lineage", "target": args.target,
        "trial": {"id": trial.id, "uuid": trial.uuid, "label": trial.label},
        "nodes": records,
        "edges": [{"from": a, "to": b, "kind": kind} for a, b, kind in frame.attrs.get("edges", ())],
        "labels": frame.attrs.get("labels", {}),
    }
    if print_rows(args, records, LINEAGE_COLUMNS, json=document):
        return 0
    trials = len({r["uuid"] for r in records})
    files = sum(r["role"] != "target" for r in records)
    print(f"lineage of {args.target} in trial {trial.id}: {trials} trial{'s' if trials != 1 else ''}, "
          f"{files} file version{'s' if files != 1 else ''}")
    labels = frame.attrs.get("labels", {})
    table = [[r["depth"], trial_title(r, labels), r["role"], _label(r), _short(r["sha256"])] for r in records]
    print(format_table(["depth", "trial", "role", "version", "content"], table))
    return 0


def _plain(value: object) -> object:
    """None for pandas' missing values, ints for whole-number floats (version numbers in a float column)."""
    if isinstance(value, float):
        if value != value:
            return None
        if value.is_integer():
            return int(value)
    return value


def _label(row: dict[str, object]) -> str:
    return str(row["name"]) if row["version"] is None else f"{row['name']}@{row['version']}"


def _short(sha: object) -> str:
    return f"sha256:{sha[:12]}" if isinstance(sha, str) and sha else ""
