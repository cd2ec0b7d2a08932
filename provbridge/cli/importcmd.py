"""``provbridge import``: bring PROV documents (any PROV syntax) or noWorkflow databases into the store."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from provbridge.errors import FormatError, ProvbridgeError


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


def run(args: argparse.Namespace) -> int:
    from provbridge.store.store import open_store

    if args.noworkflow and args.files:
        raise FormatError("give PROV documents or --noworkflow PATH, not both")
    if not args.noworkflow and not args.files:
        raise FormatError("nothing to import: give PROV documents or --noworkflow PATH")
    if args.trial and not args.noworkflow:
        raise FormatError("--trial selects noWorkflow trials; it needs --noworkflow PATH")
    with open_store(args.store, create=True) as store:
        if args.noworkflow:
            from provbridge.imports.noworkflow import import_noworkflow

            for trial in import_noworkflow(store, Path(args.noworkflow), args.trial):
                print(f"imported trial {trial.id} {trial.label!r} from noWorkflow")
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
                size = f"{info.triples:,} triples, {info.prov:,} in PROV-O" if info else ""
                print(f"trial {trial.id} {trial.label!r}: {size} (from {file})")
    for message in failed[:-1]:  # one line per rejected document, the last one as the command's error
        print(f"provbridge: error: {message}", file=sys.stderr)
    if failed:
        raise FormatError(failed[-1])
    return 0
