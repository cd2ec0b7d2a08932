"""``provbridge query``: run a SPARQL query (a file, a packaged query, or ``-e TEXT``) over recorded trials.

The trials are the named graphs (one per trial, named by its bundle IRI); the default graph is their union.
Without ``--trial`` the query runs over every trial of the store. A packaged query (``provbridge query
backward``, see ``--list``) has its graph parameters ``?g`` (or ``?g1``, ``?g2``) bound to the chosen
trials' graphs, in order, and its other parameters given with ``--param NAME=VALUE`` (``<iri>`` for an
IRI, digits for an integer, anything else a string).

Output formats: ``table`` (default), ``csv``, ``tsv`` and ``md`` (a header row of variable names, then one
row per solution; IRIs and literals as plain text, unbound as empty; ``md`` a Markdown table), and ``json``,
which is the W3C SPARQL 1.1 Query Results JSON format (``{"head": {"vars": [...]}, "results": {"bindings":
[{VAR: {"type": "uri" | "literal" | "bnode", "value": ..., "datatype"?: ..., "xml:lang"?: ...}}]}}``, or
``{"head": {}, "boolean": ...}`` for ASK; CONSTRUCT/DESCRIBE triples come as bindings of subject, predicate, object).

A malformed query is reported with the parser's line and column; update requests (INSERT, DELETE, LOAD,
CLEAR, ...) are refused unless ``--allow-update`` is given, and then change only the query index."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pyoxigraph as ox

from provbridge.cli.output import add_output_options, output_format
from provbridge.errors import QueryError
from provbridge.query.engine import dataset
from provbridge.query.loading import graph_iri
from provbridge.query.output import print_result
from provbridge.query.params import PLACEHOLDER, bind, canned, canned_names
from provbridge.query.targets import get_store
from provbridge.query.terms import Param


def add_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("file", metavar="FILE.rq", nargs="?", help="a query file, or the name of a packaged query")
    source.add_argument("-e", "--execute", metavar="QUERY", help="the query text")
    source.add_argument("--list", action="store_true", help="list the packaged queries and their parameters")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--trial", "-t", metavar="T", action="append",
                       help="a trial to query (repeatable): number, `last`, name or id prefix")
    which.add_argument("--all", action="store_true", help="query every trial (the default)")
    parser.add_argument("--param", "-p", metavar="NAME=VALUE", action="append", default=[],
                        help="bind a parameter of the query (repeatable)")
    parser.add_argument("--format", "-f", choices=("table", "csv", "tsv", "md", "json"), default="table",
                        help="output format (default: table)")
    add_output_options(parser, what="solution", json_help="the same as --format json")
    parser.add_argument("--allow-update", action="store_true", help="allow SPARQL updates (on the query index)")
    parser.add_argument("--remote", metavar="NAME", help="run on a remote SPARQL store (see `provbridge remote`)")


def run(args: argparse.Namespace) -> int:
    chosen = output_format(args)
    if chosen is not None and args.format not in ("table", chosen):
        raise QueryError(f"give --format {args.format} or --{chosen}, not both")
    if args.list:
        for name in canned_names():
            query = canned(name)
            params = " ".join(f"?{p}" for p in query.params)
            print(f"{name:20} {params:18} {query.summary.split(': ')[0].split('. ')[0]}")
        return 0
    text = _source(args)
    store = get_store(args.store)
    trials = [store.trial(ref) for ref in args.trial] if args.trial else None
    if args.remote is None:
        text = _bind(text, args.param, [graph_iri(t) for t in (trials or store.trials())])
    with dataset(store, trials, remote=args.remote) as data:
        if args.remote is not None:  # graph parameters bind to the trials on the remote
            text = _bind(text, args.param, data.graphs)
        result = data.query(text, allow_update=args.allow_update)
    print_result(result, chosen or args.format)
    return 0


def _source(args: argparse.Namespace) -> str:
    if args.execute is not None:
        return str(args.execute)
    path = Path(args.file)
    if str(args.file) == "-":
        return sys.stdin.read()
    if path.is_file():
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"cannot read {path}: {exc}") from None
    name = path.name[:-3] if path.name.endswith(".rq") else path.name
    if name in canned_names() and not path.parent.name:
        return canned(name).text
    raise QueryError(f"no query file {args.file} (and no packaged query of that name; see --list)")


def _bind(text: str, params: list[str], graphs: list[str]) -> str:
    """Bind ``--param`` values, and graph parameters to the chosen trials; plain queries pass unchanged."""
    wanted = PLACEHOLDER.findall(text)
    if not wanted:
        if params:
            raise QueryError("the query has no parameters (VALUES ?name { UNDEF } placeholders)")
        return text
    values: dict[str, Param | list[Param]] = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise QueryError(f"--param wants NAME=VALUE, not {item!r}")
        values.setdefault(name.lstrip("?"), [])
        values[name.lstrip("?")].append(_param_value(value))  # type: ignore[union-attr]
    graph_params = [w for w in dict.fromkeys(wanted) if w in ("g", "g1", "g2") and w not in values]
    if graph_params == ["g"] and graphs:
        values["g"] = [ox.NamedNode(g) for g in graphs]
    elif graph_params:
        if len(graphs) < len(graph_params):
            wanted_graphs = ", ".join("?" + g for g in graph_params)
            raise QueryError(f"the query needs {len(graph_params)} trials (--trial) for {wanted_graphs}")
        for name, graph in zip(graph_params, graphs):
            values[name] = ox.NamedNode(graph)
    return bind(text, values)


def _param_value(text: str) -> Param:
    if text.startswith("<") and text.endswith(">"):
        try:
            return ox.NamedNode(text[1:-1])
        except ValueError as exc:
            raise QueryError(f"bad IRI {text}: {exc}") from None
    if text.lstrip("-").isdigit():
        return int(text)
    return text
