"""``provbridge tag TRIAL NAME [VALUE]``: tag a trial (a ``tags.NAME`` column of ``provbridge trials``)."""

from __future__ import annotations

import argparse

from provbridge.store.store import open_store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("trial", help="number, name, id prefix or `last`")
    parser.add_argument("name", help="tag name")
    parser.add_argument("value", nargs="?", default="", help="tag value (default empty)")
    parser.add_argument("--remove", action="store_true", help="remove the tag instead")


def run(args: argparse.Namespace) -> int:
    from provbridge.manage.housekeeping import tag_trial

    with open_store(args.store) as store:
        number = tag_trial(args.trial, args.name, args.value, remove=args.remove, store=store)
    print(f"trial {number}: tag {args.name!r} {'removed' if args.remove else 'set'}")
    return 0
