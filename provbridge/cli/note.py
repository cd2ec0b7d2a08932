"""``provbridge note TRIAL TEXT``: annotate a trial."""

from __future__ import annotations

import argparse

from provbridge.store.store import open_store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("trial", help="number, name, id prefix or `last`")
    parser.add_argument("text", help="the note ('' clears it)")
    parser.add_argument("--append", action="store_true", help="add a line to the note instead of replacing it")


def run(args: argparse.Namespace) -> int:
    from provbridge.manage.housekeeping import annotate_trial

    with open_store(args.store) as store:
        number = annotate_trial(args.trial, args.text, append=args.append, store=store)
    print(f"trial {number} annotated")
    return 0
