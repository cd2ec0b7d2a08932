"""``provbridge import``: bring PROV documents (any PROV syntax) or noWorkflow databases into the store."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from provbridge.cli.output import add_output_options, output_format, print_rows
from provbridge.errors import FormatError, ProvbridgeError

IMPORT_COLUMNS = ("file", "trial", "trial_name", "graph", "triples", "prov")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from provbridge.imports.formats import IMPORT_FORMATS

    parser.add_argument("files", nargs="*", metavar="FILE",
                        help="PROV documents: PROV-JSON, PROV-XML, PROV-N, or PROV-O in Turtle, TriG, N-Quads, "
                        "N-Triples, JSON-LD or RDF/XML; each one (or each of its bundles) becomes a trial")
    parser.add_argument("--name", metavar="NAME", help="name of the imported trials (default: the file's stem)")
    parser.add_argument("-f", "--format", metavar="FMT",
                        help=f"format of every FILE ({', '.join(IMPORT_FORMATS)}; default: from the extension)")
    parser.add_argument("--noworkflow", metavar="PATH",
                        help="import trials from a noWorkflow 2.x database (.noworkflow/db.sqlite)")
    parser.add_argument("--trial", type=int, action="append", metavar="N",
                        help="with --noworkflow: only this noWorkflow trial (repeatable)")
    add_output_options(parser, what="imported trial",
                       json_help="one JSON object per imported trial, in a list (`triples`, `prov`: PROV documents)")


def run(args: argparse.Namespace) -> int:
    from provbridge.store.store import open_store

    if args.noworkflow and args.files:
        raise FormatError("give PROV documents or --noworkflow PATH, not both")
    if not args.noworkflow and not args.files:
        raise FormatError("nothing to import: give PROV documents or --noworkflow PATH")
    if args.trial and not args.noworkflow:
        raise FormatError("--trial selects noWorkflow trials; it needs --noworkflow PATH")
    text = output_format(args) is None
    rows: list[dict[str, Any]] = []
    with open_store(args.store, create=True) as store:
        if args.noworkflow:
            from provbridge.imports.noworkflow import import_noworkflow

            for trial in import_noworkflow(store, Path(args.noworkflow), args.trial):
                rows.append({"file": args.noworkflow, "trial": trial.id, "trial_name": trial.name, "graph": None,
                             "triples": None, "prov": None})
                if text:
                    print(f"imported trial {trial.id} {trial.label!r} from noWorkflow")
            print_rows(args, rows, IMPORT_COLUMNS)
            return 0
        from provbridge.imports import graph_info, import_document

        failed: list[str] = []
        for file in args.files:
            try:
                trials = import_document(store, file, args.format, name=args.name)
            except ProvbridgeError as exc:  # one line per document; the others are still imported
                failed.append(str(exc))
                continue
            for trial in trials:
                info = graph_info(trial)
                rows.append({"file": file, "trial": trial.id, "trial_name": trial.name,
                             "graph": info.graph if info else None, "triples": info.triples if info else None,
                             "prov": info.prov if info else None})
                if text:
                    size = f"{info.triples:,} triples, {info.prov:,} in PROV-O" if info else ""
                    print(f"trial {trial.id} {trial.label!r}: {size} (from {file})")
    print_rows(args, rows, IMPORT_COLUMNS)
    for message in failed[:-1]:  # one line per rejected document, the last one as the command's error
        print(f"provbridge: error: {message}", file=sys.stderr)
    if failed:
        raise FormatError(failed[-1])
    return 0
