"""One trial's part of the report: identity, parameters and metrics, environment, files, dataflow, diagrams."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any

from provbridge.errors import ProvbridgeError
from provbridge.manage.common import ARGUMENT_KINDS, MODULE_SCOPE, variable_roles
from provbridge.manage.table import trial_record
from provbridge.report.figures import diagram_figure
from provbridge.report.markup import element, esc, facts, note, section, table

if TYPE_CHECKING:
    from provbridge.store.store import Trial

DATAFLOW_ROWS = 200  # top-level versions listed before the table is cut
FINAL_LIMIT = 3  # backward-dependency diagrams of final variables drawn when no metric is tagged
METRIC_LIMIT = 6  # backward-dependency diagrams of metrics drawn
ROLE_PREFIXES = (("params.", "parameter"), ("metrics.", "metric"), ("tags.", "tag"))
NOT_DATA = frozenset({"module", "function", "class", "file"})  # value kinds that are never a result
ENVIRONMENT_FACTS = ("python", "os", "machine", "git")


def trial_ident(trial: Trial) -> str:
    return f"trial-{trial.id}"


def trial_section(trial: Trial, *, level: int = 2, diagrams: bool = True) -> str:
    """The trial's section with its subsections (headings from ``level``); ``diagrams`` runs Graphviz."""
    record = trial_record(trial)
    ident = trial_ident(trial)
    sub = level + 1
    parts = [_identity(trial, record), _roles(record, sub, ident), _environment(trial, sub, ident),
             _files(trial, sub, ident), _dataflow(trial, sub, ident, diagrams)]
    if diagrams:
        parts.append(_backward(trial, sub, ident))
    return section(ident, f"Trial {trial.id}: {trial.label}", level, "".join(parts))


def _identity(trial: Trial, record: dict[str, Any]) -> str:
    status = trial.status + (f" (exit code {trial.exit_code})" if trial.exit_code else "")
    duration = f"{trial.duration:.2f} s" if trial.duration is not None else None
    return facts([
        ("id", trial.uuid), ("name", trial.name), ("status", status), ("exception", trial.exception),
        ("kind", trial.kind), ("command", " ".join(trial.command)), ("main", trial.main),
        ("started (UTC)", record["started_at"]), ("ended (UTC)", record["ended_at"]), ("duration", duration),
        ("user", trial.user), ("host", trial.hostname), ("Python", trial.python_version),
        ("provbridge", trial.provbridge_version), ("granularity", trial.granularity), ("note", trial.note),
        ("recorded", f"{record['executions']} executions, {record['versions']} versions, "
                     f"{record['file_accesses']} file accesses"),
    ])


def _roles(record: dict[str, Any], level: int, ident: str) -> str:
    rows = [(key[len(prefix):], role, record[key]) for prefix, role in ROLE_PREFIXES
            for key in record if key.startswith(prefix)]
    if not rows:
        return ""
    return section(f"{ident}-values", "Parameters, metrics and tags", level,
                   table(["name", "kind", "value"], rows))


def _environment(trial: Trial, level: int, ident: str) -> str:
    env = {kind: values for kind, values in trial.environment().items() if kind not in ARGUMENT_KINDS}
    if not env:
        return ""
    parts = [facts((f"{kind} {name}", value) for kind in ENVIRONMENT_FACTS for name, value in
                   sorted(env.get(kind, {}).items()))]
    for kind in sorted(k for k in env if k not in ENVIRONMENT_FACTS):
        rows = sorted(env[kind].items())
        caption = "installed packages" if kind == "package" else kind
        summary = element("summary", esc(f"{len(rows)} {caption}"))
        parts.append(element("details", summary + table(["name", "value"], rows, caption=caption)))
    return section(f"{ident}-environment", "Environment", level, "".join(parts))


def _files(trial: Trial, level: int, ident: str) -> str:
    accesses = trial.file_accesses()
    if not accesses:
        return ""
    rows = [(_short_path(a.path, trial.cwd), a.mode, a.sha256_before, a.sha256_after, a.size_before,
             a.size_after) for a in accesses]
    columns = ["path", "mode", "sha256 before", "sha256 after", "bytes before", "bytes after"]
    return section(f"{ident}-files", "Files", level, table(columns, rows, caption="every file opened, in order"))


def _short_path(path: str, cwd: str | None) -> str:
    if cwd and path.startswith(cwd.rstrip(os.sep) + os.sep):
        return os.path.relpath(path, cwd)
    return path


def _dataflow(trial: Trial, level: int, ident: str, diagrams: bool) -> str:
    parts: list[str] = []
    if diagrams:
        parts.append(_draw(trial, None, f"{ident}-flow-", f"top-level dataflow of trial {trial.id}"))
    versions = [v for v in trial.versions() if v.scope in (MODULE_SCOPE, "file")]
    if versions:
        sources: dict[int, list[int]] = {}
        for vid, src in trial.derivations():
            sources.setdefault(vid, []).append(src)
        label = {v.id: (f"{_short_path(v.name, trial.cwd)}@{v.id}" if v.is_file else v.label) for v in versions}
        rows = [(label[v.id] + (f" ×{v.count}" if v.count > 1 else ""), v.kind, v.type, v.repr,
                 ", ".join(label[s] for s in sources.get(v.id, []) if s in label))
                for v in versions[:DATAFLOW_ROWS]]
        listing = table(["version", "kind", "type", "value", "derived from"], rows,
                        caption="top-level variable and file versions, in order")
        if len(versions) > DATAFLOW_ROWS:
            listing += note(f"{len(versions) - DATAFLOW_ROWS} more versions are not listed")
        summary = element("summary", esc(f"{len(versions)} top-level versions"))
        parts.append(element("details", summary + listing))
    if not parts:
        return ""
    return section(f"{ident}-dataflow", "Top-level dataflow", level, "".join(parts))


def _backward(trial: Trial, level: int, ident: str) -> str:
    metrics = [name for name, (role, _text) in variable_roles(trial).items() if role == "metrics"]
    if metrics:
        names, what = metrics, "metric"
        limit = METRIC_LIMIT
    else:
        names, what = final_variables(trial), "final variable"
        limit = FINAL_LIMIT
    if not names:
        return ""
    parts = [_draw(trial, name, f"{ident}-deps{i}-", f"backward dependencies of {what} {name} in trial {trial.id}")
             for i, name in enumerate(names[:limit])]
    if len(names) > limit:
        parts.append(note(f"{len(names) - limit} more {what}s not drawn: {', '.join(names[limit:])}"))
    if what != "metric":
        parts.insert(0, note("No variable is tagged as a metric: the diagrams show the final top-level "
                             "variables (those no other variable was derived from)."))
    heading = "Backward dependencies of the metrics" if metrics else "Backward dependencies of the final variables"
    return section(f"{ident}-backward", heading, level, "".join(parts))


def final_variables(trial: Trial) -> list[str]:
    """Top-level variables whose last version no other version was derived from (modules, functions,
    classes and file objects left out), in the order they were last bound."""
    used = {src for _vid, src in trial.derivations()}
    latest: dict[str, Any] = {}
    for version in trial.versions(files=False):
        if version.scope == MODULE_SCOPE:
            latest.pop(version.name, None)
            latest[version.name] = version
    return [name for name, v in latest.items() if v.id not in used and _kind(v.summary_json) not in NOT_DATA]


def _kind(summary: str | None) -> str:
    try:
        return str(json.loads(summary).get("kind", "")) if summary else ""
    except (ValueError, AttributeError):
        return ""


def _draw(trial: Trial, var: str | None, prefix: str, label: str) -> str:
    from provbridge.render import graph

    try:
        diagram = graph(trial, var, 0)
    except ProvbridgeError as exc:
        return note(f"{label}: not drawn ({exc})")
    return diagram_figure(diagram, prefix=prefix, label=label)
