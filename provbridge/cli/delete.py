"""``provbridge delete TRIAL...``: delete trials with their orphaned code and artifact objects."""

from __future__ import annotations

import argparse

from provbridge.store.store import open_store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("trials", nargs="+", metavar="TRIAL", help="numbers, names, id prefixes or `last`")
    parser.add_argument("--force", action="store_true", help="also delete trials that are still running")


def run(args: argparse.Namespace) -> int:
    from provbridge.manage.housekeeping import delete_trials

    with open_store(args.store) as store:
        report = delete_trials(args.trials, force=args.force, store=store)
    numbers = ", ".join(map(str, report.trials))
    print(f"deleted trial{'s' if len(report.trials) > 1 else ''} {numbers} "
          f"({report.code} orphaned code components, {report.objects} objects)")
    if report.code_kept_busy:
        print("orphaned code is kept while another trial is running; it goes with the next delete")
    return 0
