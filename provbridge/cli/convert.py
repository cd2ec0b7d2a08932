"""``provbridge convert IN OUT``: convert a PROV document between syntaxes without a store (like provconvert)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from provbridge.errors import FormatError

FORMATS = "json, xml, provn, ttl, trig, nq, nt, jsonld"
PROV_NAMESPACE = b"http://www.w3.org/ns/prov#"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", metavar="IN", help="the PROV document to read (- for stdin, then give --from)")
    parser.add_argument("output", metavar="OUT", help="the file to write (- for stdout, then give --to)")
    parser.add_argument("--from", dest="source", metavar="F", help=f"the input's format ({FORMATS}; default: "
                        "from the extension)")
    parser.add_argument("--to", dest="target", metavar="F", help="the output's format (default: from the extension)")
    parser.add_argument("-q", "--quiet", action="store_true", help="do not print conversion warnings")


def run(args: argparse.Namespace) -> int:
    from provbridge.provdm.syntax import convert, find_syntax

    source = find_syntax(args.source, args.input, "input")
    target = find_syntax(args.target, args.output, "output")
    label = "<stdin>" if args.input == "-" else args.input
    if args.input == "-":
        data = sys.stdin.buffer.read()
    else:
        try:
            data = Path(args.input).read_bytes()
        except FileNotFoundError:
            raise FormatError(f"{label}: no such file") from None
        except IsADirectoryError:
            raise FormatError(f"{label}: is a directory, not a PROV document") from None
    try:
        output, notes = convert(data, source, target)
    except FormatError as exc:
        raise FormatError(f"{label}: {exc}") from None
    if source.rdf is not None and source.name != "jsonld" and PROV_NAMESPACE not in data:
        # as import says: RDF without a PROV-O term is no PROV document (JSON-LD may name it in a context)
        raise FormatError(f"{label}: holds no PROV records (no term of the PROV-O vocabulary in this "
                          f"{source.title})")
    if not args.quiet:
        for note in notes:
            print(f"provbridge: warning: {label}: {note}", file=sys.stderr)
    if args.output == "-":
        sys.stdout.buffer.write(output)
        sys.stdout.buffer.flush()
        return 0
    _write_atomically(Path(args.output), output)
    return 0


def _write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` only once ``data`` is written completely."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent if str(path.parent) else ".")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        mask = os.umask(0o022)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
