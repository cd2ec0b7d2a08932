"""``provbridge push [TRIAL ...|--all] [--to NAME]``: upload trials to a remote SPARQL store.

Each trial becomes its named graph (its bundle IRI) on the remote, replaced with a Graph Store Protocol
PUT (large trials in batches: PUT, then POSTs), plus a small ``<bundle>-description`` graph. What was sent,
at which content sha256, is recorded in ``.provbridge/remotes/NAME.json``: unchanged trials are skipped,
and a push cut off part-way resumes where it stopped. Trials still being recorded are skipped."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict

from provbridge.cli.output import add_output_options, output_format, print_rows
from provbridge.remote.config import get_remote
from provbridge.remote.content import BATCH_BYTES
from provbridge.remote.http import RETRIES, TIMEOUT, Client
from provbridge.remote.push import Pushed, push_trials
from provbridge.store.store import open_store

PUSH_COLUMNS = ("trial", "uuid", "status", "triples", "bytes", "batches", "seconds")  # Pushed fields


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("trials", metavar="TRIAL", nargs="*", help="trials to push (default: the last one)")
    parser.add_argument("--all", action="store_true", help="push every trial")
    parser.add_argument("--to", metavar="NAME", help="the remote (default: the only one, or `origin`)")
    parser.add_argument("--force", action="store_true", help="send even trials the record says are there")
    parser.add_argument("--batch-mb", type=float, default=BATCH_BYTES / (1 << 20), metavar="MB",
                        help=f"N-Triples per request for large trials (default {BATCH_BYTES >> 20} MB)")
    parser.add_argument("--timeout", type=float, default=TIMEOUT, metavar="S",
                        help=f"seconds before a request is given up (default {TIMEOUT:g})")
    parser.add_argument("--retries", type=int, default=RETRIES, metavar="N",
                        help=f"retries after a transient failure (default {RETRIES})")
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    add_output_options(parser, what="trial", json_help="one JSON object per trial, in a list, once all are sent")


def run(args: argparse.Namespace) -> int:
    with open_store(args.store) as store:
        remote = get_remote(store.directory, args.to)
        if args.all:
            trials = store.trials()
        else:
            trials = [store.trial(ref) for ref in (args.trials or ["last"])]

        outcomes: list[Pushed] = []

        def report(outcome: Pushed) -> None:
            outcomes.append(outcome)
            if args.quiet or output_format(args):
                return
            if outcome.status in ("pushed", "resumed"):
                print(f"trial {outcome.trial}: {outcome.status} {outcome.triples:,} triples in {outcome.batches} "
                      f"request(s), {outcome.seconds:.2f} s")
            elif outcome.status == "unchanged":
                print(f"trial {outcome.trial}: unchanged")
            elif outcome.status == "pulled":
                print(f"trial {outcome.trial}: pulled from {remote.name} (not pushed back)")
            else:
                print(f"trial {outcome.trial}: skipped (still running)", file=sys.stderr)

        with Client(remote.name, timeout=args.timeout, retries=max(args.retries, 0)) as client:
            push_trials(store, remote, trials, force=args.force, client=client,
                        batch_bytes=max(int(args.batch_mb * (1 << 20)), 1), report=report)
    print_rows(args, [asdict(o) for o in outcomes], PUSH_COLUMNS)
    return 0
