"""``provbridge validate FILE``: check a PROV document (parse, schema, shapes), one line per problem."""

from __future__ import annotations

import argparse
from typing import Any

from provbridge.cli.output import add_output_options, output_format, print_rows

VALIDATE_COLUMNS = ("file", "format", "valid", "problems")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="PROV documents to check")
    parser.add_argument("-f", "--format", metavar="FMT",
                        help="the documents' format (default: from the extension, else guessed)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print problems only")
    add_output_options(parser, what="file", json_help="one JSON object per file, in a list (`problems`: a list)")


def run(args: argparse.Namespace) -> int:
    from provbridge.export.validation import validate

    text = output_format(args) is None
    rows: list[dict[str, Any]] = []
    for name in args.files:
        chosen, problems = validate(name, args.format)
        rows.append({"file": name, "format": chosen.name, "valid": not problems, "problems": problems})
        if text:  # as each file is checked
            for problem in problems:
                print(f"{name}: {problem}")
            if not problems and not args.quiet:
                print(f"{name}: valid {chosen.title}")
    # CSV and Markdown cells hold one value: the problems one per line
    print_rows(args, [{**row, "problems": "\n".join(row["problems"])} for row in rows], VALIDATE_COLUMNS, json=rows)
    return 0 if all(row["valid"] for row in rows) else 1
