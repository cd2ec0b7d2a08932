"""``provbridge rename TRIAL NAME``: name a trial."""

from __future__ import annotations

import argparse

from provbridge.store.store import open_store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("trial", help="number, name, id prefix or `last`")
    parser.add_argument("name", help="the new name (unique; not a number)")


def run(args: argparse.Namespace) -> int:
    from provbridge.manage.housekeeping import rename_trial

    with open_store(args.store) as store:
        number = rename_trial(args.trial, args.name, store=store)
    print(f"trial {number} is now named {args.name.strip()!r}")
    return 0
