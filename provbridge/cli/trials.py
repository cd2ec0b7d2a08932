"""``provbridge trials``: list the recorded trials."""

from __future__ import annotations

import argparse
from typing import Any

import orjson

from provbridge.cli.table import format_table
from provbridge.store.store import Trial, open_store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="one JSON object per trial, in a list")


def trial_summary(trial: Trial) -> dict[str, Any]:
    """The stable JSON form of a trial's identity, status, timing and counts."""
    counts = trial.counts
    return {
        "number": trial.id,
        "id": trial.uuid,
        "name": trial.name,
        "kind": trial.kind,
        "main": trial.main,
        "status": trial.status,
        "started_at": trial.started_at.isoformat() if trial.started_at else None,
        "ended_at": trial.ended_at.isoformat() if trial.ended_at else None,
        "duration": trial.duration,
        "exit_code": trial.exit_code,
        "granularity": trial.granularity,
        "executions": counts["executions"],
        "versions": counts["versions"],
        "file_accesses": counts["file_accesses"],
    }


def run(args: argparse.Namespace) -> int:
    with open_store(args.store) as store:
        summaries = [trial_summary(t) for t in store.trials()]
    if args.json:
        print(orjson.dumps(summaries, option=orjson.OPT_INDENT_2).decode())
        return 0
    if not summaries:
        print("no trials yet: run `provbridge run SCRIPT`")
        return 0
    rows = [
        (s["number"], s["id"][:8], s["name"] or "", _short(s["main"]), s["status"],
         (s["started_at"] or "")[:19].replace("T", " "),
         f"{s['duration']:.2f}s" if s["duration"] is not None else "", s["executions"], s["versions"],
         s["file_accesses"])
        for s in summaries
    ]
    print(format_table(["#", "id", "name", "script", "status", "started (UTC)", "duration", "executions",
                        "versions", "files"], rows))
    return 0


def _short(path: str | None) -> str:
    if not path:
        return ""
    return path.rsplit("/", 1)[-1]
