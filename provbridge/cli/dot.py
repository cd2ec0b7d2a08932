"""``provbridge dot``: draw a trial, a variable's dependencies, two trials' differences or a PROV document."""

from __future__ import annotations

import argparse
import sys

from provbridge.query.granularity import DEFAULT_GRANULARITY, cli_help
from provbridge.render import BUDGET, ENGINES, Diagram, document_graph, graph


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("trial", nargs="?", default="last", help="number, id prefix, name or `last` (default)")
    parser.add_argument("--var", metavar="NAME", help="only the backward dependencies of this variable (or NAME@ID) "
                        "or file (a path relative to the current directory)")
    parser.add_argument("--granularity", "-g", type=int, choices=(0, 1), default=DEFAULT_GRANULARITY,
                        help=cli_help())
    parser.add_argument("--diff", metavar="T2", help="overlay a second trial: added, removed and changed nodes")
    parser.add_argument("--files", action="store_true",
                        help="also draw every file access (reads, writes, revisions of a path)")
    fold = parser.add_mutually_exclusive_group()
    fold.add_argument("--collapse-loops", dest="collapse", action="store_true", default=True,
                      help=f"draw folded loops once with ×count, summarise above {BUDGET} nodes (default)")
    fold.add_argument("--expand", dest="collapse", action="store_false",
                      help="draw every recorded execution and version")
    parser.add_argument("--engine", choices=ENGINES, help="Graphviz layout (default: dot, sfdp for large graphs)")
    parser.add_argument("--input", metavar="DOC", help="draw this PROV document instead of a trial "
                        "(PROV-JSON, PROV-N, PROV-XML, Turtle/TriG/N-Triples/N-Quads/RDF-XML/JSON-LD)")
    parser.add_argument("--input-format", metavar="FMT", help="format of --input (default: from its extension)")
    parser.add_argument("--timeout", type=float, metavar="SECONDS", help="limit on Graphviz's run time (120)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write FILE.dot, .svg, .png or .pdf "
                        "(default: DOT on stdout)")


def run(args: argparse.Namespace) -> int:
    diagram = _diagram(args)
    for note in diagram.notes:
        print(f"provbridge: note: {note}", file=sys.stderr)
    if args.output:
        diagram.save(args.output)
    else:
        sys.stdout.write(diagram.source())
    return 0


def _diagram(args: argparse.Namespace) -> Diagram:
    if args.input:
        return document_graph(args.input, args.input_format, engine=args.engine, timeout=args.timeout)
    from provbridge.store.store import open_store

    with open_store(args.store) as store:
        trial = store.trial(args.trial)
        other = store.trial(args.diff) if args.diff else None
        return graph(trial, args.var, args.granularity, other, files=args.files, collapse=args.collapse,
                     engine=args.engine, timeout=args.timeout)
