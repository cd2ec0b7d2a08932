"""``provbridge export``: write trials as W3C PROV (PROV-JSON, PROV-O RDF syntaxes, PROV-XML, PROV-N) or an RO-Crate."""

from __future__ import annotations

import argparse

from provbridge import formats
from provbridge.errors import FormatError, TrialNotFoundError
from provbridge.export.registry import DEFAULT, find_format
from provbridge.formats import DocumentFormat


def add_arguments(parser: argparse.ArgumentParser) -> None:
    written = formats.documents("write")
    directories = " or ".join(f.name for f in written if f.directory)
    parser.add_argument("trials", nargs="*", metavar="TRIAL",
                        help="trials to export: number, `last`, `last~N`, name or id prefix (default: last)")
    parser.add_argument("--all", action="store_true", help="export every trial of the store")
    parser.add_argument("-f", "--format", metavar="FMT",
                        help="; ".join(f"{f.name}: {f.title}" for f in written)
                        + f" (default: from the output file's extension, else {DEFAULT})")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help=f"output file (default or `-`: standard output); the directory for {directories}")
    parser.add_argument("--base", metavar="IRI",
                        help="base of instance IRIs, may contain {uuid} "
                        "(default: $PROVBRIDGE_IRI_BASE or https://w3id.org/provbridge/trial/{uuid}/)")


def run(args: argparse.Namespace) -> int:
    from provbridge.export import export
    from provbridge.store.store import open_store

    if args.all and args.trials:
        raise TrialNotFoundError("give trials or --all, not both")
    chosen = _chosen(args)  # a bad format fails before the store is read
    if chosen.directory:
        return _crate(args, chosen)
    with open_store(args.store) as store:
        if args.all:
            trials = store.trials()
            if not trials:
                raise TrialNotFoundError("the store has no trials")
        else:
            trials = [store.trial(ref) for ref in (args.trials or ["last"])]
        export(trials, args.output, args.format, base=args.base)
    return 0


def _chosen(args: argparse.Namespace) -> DocumentFormat:
    """The format ``--format`` names; without it, the one of the output file's extension (a directory format
    only when named), else the default."""
    if args.format:
        return formats.find(args.format, use="write")
    return find_format(None, args.output)


def _crate(args: argparse.Namespace, chosen: DocumentFormat) -> int:
    """``--format ro-crate -o DIR``: one trial as a Process Run Crate directory."""
    from provbridge.export.rocrate import write_crate
    from provbridge.store.store import open_store

    name = chosen.name
    if not args.output or args.output == "-":
        raise FormatError(f"{name} is written into a directory: give it with -o DIR")
    if args.all or len(args.trials) > 1:
        raise FormatError(f"{name} packages one trial: give a single TRIAL")
    with open_store(args.store) as store:
        trial = store.trial(args.trials[0] if args.trials else "last")
        if trial.representation != "records":
            raise FormatError(f"trial {trial.id} was imported as a PROV graph; {name} packages recorded runs")
        write_crate(trial, args.output, base=args.base)
    return 0
