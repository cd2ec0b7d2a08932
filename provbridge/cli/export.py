"""``provbridge export``: write trials as W3C PROV (PROV-JSON, PROV-O RDF syntaxes, PROV-XML, PROV-N) or an RO-Crate."""

from __future__ import annotations

import argparse

from provbridge.errors import FormatError, TrialNotFoundError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from provbridge.export.registry import FORMATS
    from provbridge.export.rocrate import NAME, TITLE

    parser.add_argument("trials", nargs="*", metavar="TRIAL",
                        help="trials to export: number, `last`, `last~N`, name or id prefix (default: last)")
    parser.add_argument("--all", action="store_true", help="export every trial of the store")
    parser.add_argument("-f", "--format", metavar="FMT",
                        help="; ".join(f"{f.name}: {f.title}" for f in FORMATS) + f"; {NAME}: {TITLE}"
                        + " (default: from the output file's extension, else json)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help=f"output file (default or `-`: standard output); the directory for {NAME}")
    parser.add_argument("--base", metavar="IRI",
                        help="base of instance IRIs, may contain {uuid} "
                        "(default: $PROVBRIDGE_IRI_BASE or https://w3id.org/provbridge/trial/{uuid}/)")


def run(args: argparse.Namespace) -> int:
    from provbridge.export import export
    from provbridge.export.registry import find_format
    from provbridge.export.rocrate import is_rocrate
    from provbridge.store.store import open_store

    if args.all and args.trials:
        raise TrialNotFoundError("give trials or --all, not both")
    if is_rocrate(args.format):
        return _crate(args)
    find_format(args.format, args.output)  # a bad format fails before the store is read
    with open_store(args.store) as store:
        if args.all:
            trials = store.trials()
            if not trials:
                raise TrialNotFoundError("the store has no trials")
        else:
            trials = [store.trial(ref) for ref in (args.trials or ["last"])]
        export(trials, args.output, args.format, base=args.base)
    return 0


def _crate(args: argparse.Namespace) -> int:
    """``--format ro-crate -o DIR``: one trial as a Process Run Crate directory."""
    from provbridge.export.rocrate import NAME, write_crate
    from provbridge.store.store import open_store

    if not args.output or args.output == "-":
        raise FormatError(f"{NAME} is written into a directory: give it with -o DIR")
    if args.all or len(args.trials) > 1:
        raise FormatError(f"{NAME} packages one trial: give a single TRIAL")
    with open_store(args.store) as store:
        trial = store.trial(args.trials[0] if args.trials else "last")
        if trial.representation != "records":
            raise FormatError(f"trial {trial.id} was imported as a PROV graph; {NAME} packages recorded runs")
        write_crate(trial, args.output, base=args.base)
    return 0
