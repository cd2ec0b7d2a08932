"""Command-line output of the query layer: version rows (deps, impact) as a table, the documented JSON, CSV
or Markdown; query results as a table, CSV, TSV, Markdown or SPARQL JSON."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import datetime
from typing import Any

import orjson

from provbridge.query.results import Result
from provbridge.store.store import Trial
from provbridge.tables import format_table, render, to_markdown


def print_versions(query: str, args: argparse.Namespace, trial: Trial, rows: list[dict[str, Any]], title: str,
                   level: int, **extra: Any) -> None:
    """Version rows as a table under ``title``, or the documented JSON (``level``: the query's granularity),
    or with ``args.csv`` / ``args.md`` the rows alone as CSV or a Markdown table."""
    for fmt in ("csv", "md"):
        if getattr(args, fmt, False):
            columns = list(rows[0]) if rows else None
            sys.stdout.write(render(fmt, [{k: _plain(v) for k, v in r.items()} for r in rows], columns))
            return
    if args.json:
        document = {
            "query": query, "target": getattr(args, "variable", None) or getattr(args, "name", None),
            "granularity": level, **extra,
            "trial": {"id": trial.id, "uuid": trial.uuid, "label": trial.label, "granularity": trial.granularity},
            "versions": rows,
        }
        try:  # orjson: the pure-Python indenting encoder took seconds on a million-version answer
            data = orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE,
                                default=_json_default)
        except (TypeError, orjson.JSONEncodeError):  # integers beyond 64 bits
            print(json.dumps(document, indent=2, ensure_ascii=False, default=_json_default))
            return
        _write_utf8(data)
        return
    print(f"{title}: {len(rows)} version{'s' if len(rows) != 1 else ''}")
    if not rows:
        return
    headers = ["version", "kind", "type", "value", "line", "statement", "in"]
    table = [[_label(r), r["kind"], r["type"], _value(r), r["line"], r["statement"],
              _where(r)] for r in rows]
    print(format_table(headers, table))


def _write_utf8(data: bytes) -> None:
    """UTF-8 ``data`` on standard output: as bytes when it is a UTF-8 stream (decoding tens of megabytes of
    JSON to text and printing it encoded again took a tenth of a second at a million records)."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None or (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "") != "utf8":
        sys.stdout.write(data.decode())
        return
    sys.stdout.flush()
    buffer.write(data)
    buffer.flush()


def _label(row: dict[str, Any]) -> str:
    """``name@version``; the name alone for nodes of imported documents, which have no version number."""
    return str(row["name"]) if row["version"] is None else f"{row['name']}@{row['version']}"


def _value(row: dict[str, Any]) -> Any:
    if row["kind"] == "file" and row["sha256"]:
        return "sha256:" + str(row["sha256"])[:12]
    return row["value"]


def _where(row: dict[str, Any]) -> str:
    scope = row["scope"]
    return f"{scope}()" if scope and scope != "<module>" else ""


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def print_result(result: Result, fmt: str) -> None:
    """A query result as a table, CSV, TSV, a Markdown table (``md``) or SPARQL 1.1 Query Results JSON."""
    if result.kind == "update":
        print("update applied to the query index")
        return
    if fmt == "json":
        print(json.dumps(result.to_w3c_json(), indent=2, ensure_ascii=False))
        return
    if result.kind == "ask":
        print("true" if result.boolean else "false")
        return
    rows = [[_plain(v) for v in row] for row in result.rows()]
    if fmt in ("csv", "tsv"):
        writer = csv.writer(sys.stdout, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows(rows)
        return
    if fmt == "md":
        sys.stdout.write(to_markdown([dict(zip(result.columns, row)) for row in rows], result.columns))
        return
    print(format_table(result.columns, rows))
    print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value
