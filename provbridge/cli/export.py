"""``provbridge export``: write trials as W3C PROV (PROV-JSON, PROV-O RDF syntaxes, PROV-XML, PROV-N)."""

from __future__ import annotations

import argparse

from provbridge.errors import TrialNotFoundError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from provbridge.export.registry import FORMATS

    parser.add_argument("trials", nargs="*", metavar="TRIAL",
                        help="trials to export: number, `last`, `last~N`, name or id prefix (default: last)")
    parser.add_argument("--all", action="store_true", help="export every trial of the store")
    parser.add_argument("-f", "--format", metavar="FMT",
                        help="; ".join(f"{f.name}: {f.title}" for f in FORMATS)
                        + " (default: from the output file's extension, else json)")
    parser.add_argument("-o", "--output", metavar="FILE", help="output file (default or `-`: standard output)")
    parser.add_argument("--base", metavar="IRI",
                        help="base of instance IRIs, may contain {uuid} "
                        "(default: $PROVBRIDGE_IRI_BASE or https://w3id.org/provbridge/trial/{uuid}/)")


def run(args: argparse.Namespace) -> int:
    from provbridge.export import export
    from provbridge.export.registry import find_format
    from provbridge.store.store import open_store

    if args.all and args.trials:
        raise TrialNotFoundError("give trials or --all, not both")
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
