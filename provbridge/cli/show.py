"""``provbridge show``: one trial's identity, environment, files and top-level dataflow."""

from __future__ import annotations

import argparse
import os
from typing import Any

import orjson

from provbridge.manage.table import trial_record
from provbridge.store.store import Trial, open_store
from provbridge.tables import format_table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("trial", nargs="?", default="last", help="number, id prefix, name or `last` (default)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def trial_details(trial: Trial) -> dict[str, Any]:
    """Everything `show` prints, as JSON-ready data."""
    data = trial_record(trial)
    data.update(command=trial.command, cwd=trial.cwd, user=trial.user, hostname=trial.hostname,
                exception=trial.exception, note=trial.note, python_version=trial.python_version,
                provbridge_version=trial.provbridge_version, environment=trial.environment())
    data["files"] = [
        {"path": a.path, "mode": a.mode, "sha256_before": a.sha256_before, "sha256_after": a.sha256_after,
         "size_before": a.size_before, "size_after": a.size_after}
        for a in trial.file_accesses()
    ]
    sources: dict[int, list[int]] = {}
    for vid, src in trial.derivations():
        sources.setdefault(vid, []).append(src)
    versions = trial.versions()
    label = {v.id: v.label for v in versions}
    data["dataflow"] = [
        {"version": v.label, "name": v.name, "kind": v.kind, "type": v.type, "value": v.repr, "count": v.count,
         "from": [label[s] for s in sources.get(v.id, []) if s in label]}
        for v in versions if v.scope in ("<module>", "file")
    ]
    data["tags"] = [{"subject_kind": k, "subject": s, "name": n, "value": val} for k, s, n, val in trial.tags()]
    return data


def run(args: argparse.Namespace) -> int:
    with open_store(args.store) as store:
        data = trial_details(store.trial(args.trial))
    if args.json:
        print(orjson.dumps(data, option=orjson.OPT_INDENT_2, default=str).decode())
        return 0
    env = data["environment"]
    print(f"trial {data['number']}  {data['id']}  {data['name'] or ''}".rstrip())
    print(f"  status     {data['status']}" + (f" (exit code {data['exit_code']})" if data["exit_code"] else ""))
    if data["exception"]:
        print(f"  exception  {data['exception']}")
    print(f"  command    {' '.join(data['command'])}")
    print(f"  main       {data['main']}")
    print(f"  started    {data['started_at']}   duration {data['duration'] or 0:.2f}s")
    print(f"  python     {data['python_version']} on {env.get('os', {}).get('platform', '?')}")
    git = env.get("git", {})
    if git:
        print(f"  git        {git.get('commit', '')[:12]}{' (dirty)' if git.get('dirty') == 'true' else ''}")
    print(f"  packages   {len(env.get('package', {}))}")
    print(f"  counts     {data['executions']} executions, {data['versions']} versions, "
          f"{data['file_accesses']} file accesses")
    if data["files"]:
        print("\nfiles")
        print(format_table(["mode", "path", "sha256 before", "sha256 after"], [
            (f["mode"], os.path.relpath(f["path"]) if f["path"].startswith(os.getcwd()) else f["path"],
             (f["sha256_before"] or "")[:12], (f["sha256_after"] or "")[:12]) for f in data["files"]
        ]))
    print("\ndataflow (top level)")
    print(format_table(["version", "kind", "value", "from"], [
        (d["version"] + (f" ×{d['count']}" if d["count"] > 1 else ""), d["kind"], d["value"],
         ", ".join(d["from"])) for d in data["dataflow"]
    ], limit=50))
    return 0
