"""``provbridge remote add|list|remove``: the SPARQL 1.1 stores trials are pushed to and queried on.

``remote add NAME URL`` takes the store's SPARQL query endpoint; the Graph Store Protocol endpoint (for
push and pull) and the update endpoint are guessed for Oxigraph (``.../query`` -> ``.../store``,
``.../update``) and Virtuoso (``.../sparql`` -> ``.../sparql-graph-crud``), else given with
``--graph-store`` and ``--update``. Remotes live in ``.provbridge/config.json`` without credentials: those
come from ``PROVBRIDGE_REMOTE_<NAME>_TOKEN`` (bearer), ``PROVBRIDGE_REMOTE_<NAME>_USER`` and ``_PASSWORD``
(basic), or the host's entry in ``~/.netrc`` (or ``$NETRC``)."""

from __future__ import annotations

import argparse

from provbridge.cli.output import add_output_options, print_rows
from provbridge.remote.config import add_remote, list_remotes, remove_remote
from provbridge.store.store import open_store
from provbridge.tables import format_table

REMOTE_COLUMNS = ("name", "url", "graph_store", "update")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="add a remote SPARQL store")
    add.add_argument("name", metavar="NAME")
    add.add_argument("url", metavar="URL", help="the SPARQL 1.1 query endpoint")
    add.add_argument("--graph-store", metavar="URL", help="the Graph Store HTTP Protocol endpoint")
    add.add_argument("--update", metavar="URL", help="the SPARQL 1.1 update endpoint")
    add.add_argument("--replace", action="store_true", help="replace a remote of the same name")
    listing = sub.add_parser("list", help="list the remotes")
    add_output_options(listing, what="remote", json_help="one JSON object per remote, in a list")
    remove = sub.add_parser("remove", help="remove a remote (and the record of what was pushed to it)")
    remove.add_argument("name", metavar="NAME")


def run(args: argparse.Namespace) -> int:
    with open_store(args.store) as store:
        directory = store.directory
    if args.action == "add":
        remote = add_remote(directory, args.name, args.url, graph_store=args.graph_store, update=args.update,
                            replace=args.replace)
        print(f"remote {remote.name}: {remote.url} (graph store: {remote.graph_store or 'none'})")
    elif args.action == "remove":
        remote = remove_remote(directory, args.name)
        print(f"removed remote {remote.name}")
    else:
        rows = [{"name": r.name, "url": r.url, "graph_store": r.graph_store, "update": r.update}
                for r in list_remotes(directory)]
        if not print_rows(args, rows, REMOTE_COLUMNS) and rows:
            print(format_table(list(REMOTE_COLUMNS), [[r[c] for c in REMOTE_COLUMNS] for r in rows]))
    return 0
