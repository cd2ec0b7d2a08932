"""Compare two trials: parameters, metrics, variable values, code, order of operations, files, environment."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from provbridge.manage.common import (
    ARGUMENT_KINDS,
    MODULE_SCOPE,
    ManageError,
    StoreLike,
    TrialRef,
    final_version,
    get_trial,
    is_number,
    python_value,
    same,
    tagged_value,
    trial_argv,
    trial_params,
    trial_tags,
    using_store,
    variable_roles,
)
from provbridge.manage.compare import EQUAL, Comparison, compare_values, compare_versions
from provbridge.manage.history import code_of, operations
from provbridge.store.store import RECORDS, Trial

if TYPE_CHECKING:
    import pandas as pd

SECTIONS = ("parameters", "metrics", "variables", "only", "files", "environment", "tags", "records")
UNCHANGED = frozenset({"equal", "same"})
TEXT_COLUMNS = {"variables": ["name", "a", "b", "status", "detail"]}
# each section's columns, whatever answered (the local records, or the PROV graphs: sparql_diff)
COLUMNS = {
    "parameters": ["name", "a", "b", "status"],
    "metrics": ["name", "a", "b", "delta", "status"],
    "variables": ["name", "type_a", "type_b", "a", "b", "status", "detail", "max_abs_diff", "n_different", "exact"],
    "only": ["name", "trial", "type", "value"],
    "files": ["path", "access_a", "access_b", "sha256_a", "sha256_b", "status"],
    "environment": ["kind", "name", "a", "b", "status"],
    "tags": ["name", "a", "b", "status"],
    # the PROV records of two trials at least one of which is a stored graph (provbridge.manage.recorddiff):
    # a and b are the attributes only in that trial's record
    "records": ["record", "a", "b", "status"],
}


@dataclass
class TrialDiff:
    """What differs between trial ``a`` and trial ``b``. Tables are DataFrames with a ``status`` column
    (equal/changed/added/removed for parameters, metrics, tags and environment; equal/different/unknown
    for variables; same/changed/added/removed for files and PROV records); unless ``all`` was asked,
    unchanged rows are left out. ``code`` and ``operations`` are unified diffs (empty when identical).
    Two captured trials fill every section but ``records``; a pair with a stored graph in it (an imported
    or pulled PROV document, which has records but no variables) fills only ``records``."""

    a: int
    b: int
    a_label: str
    b_label: str
    parameters: pd.DataFrame
    metrics: pd.DataFrame
    variables: pd.DataFrame
    only: pd.DataFrame
    code: str
    operations: str
    files: pd.DataFrame
    environment: pd.DataFrame
    tags: pd.DataFrame
    records: pd.DataFrame
    all: bool = False
    remote: str | None = None  # where the comparison ran: None for the local records (see sparql_diff)

    @property
    def empty(self) -> bool:
        """True when nothing differs."""
        tables = [getattr(self, name) for name in SECTIONS]
        return not self.code and not self.operations and all(
            t.empty or ("status" in t.columns and set(t["status"]) <= UNCHANGED) for t in tables
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the tables as lists of records, diffs as text."""
        data: dict[str, Any] = {"a": self.a, "b": self.b, "a_label": self.a_label, "b_label": self.b_label,
                                "remote": self.remote}
        for name in SECTIONS:
            frame = getattr(self, name)
            data[name] = [{k: plain_cell(v) for k, v in row.items()} for row in frame.to_dict("records")]
        data["code"] = self.code
        data["operations"] = self.operations
        return data

    def text(self) -> str:
        """A readable report, one section per kind of difference."""
        from provbridge.tables import cell, format_table

        out = [f"trial {self.a} ({self.a_label}) → trial {self.b} ({self.b_label})"
               + (f" on remote {self.remote}" if self.remote else "")]
        if self.empty:
            out.append("no differences")
        for name in SECTIONS:
            frame = getattr(self, name)
            if frame.empty:
                continue
            columns = [c for c in TEXT_COLUMNS.get(name, list(frame.columns)) if c in frame.columns]
            out += ["", name]
            rows = [tuple(plain_cell(r[c]) if c == "detail" else cell(plain_cell(r[c]), 40) for c in columns)
                    for r in frame.to_dict("records")]
            out.append(format_table(columns, rows, limit=160))
        for name in ("code", "operations"):
            text = getattr(self, name)
            if text:
                out += ["", name if name == "code" else "order of operations", text.rstrip("\n")]
        return "\n".join(out)

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return f"<TrialDiff {self.a} → {self.b}{' (no differences)' if self.empty else ''}>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.text())

    def _repr_html_(self) -> str:
        """Jupyter: one table per kind of difference (headers with scope, values escaped), then the diffs."""
        from html import escape

        def cell(value: Any) -> str:
            value = plain_cell(value)
            return "" if value is None else escape(str(value))

        out = [f"<h4>trial {self.a} ({escape(self.a_label)}) → trial {self.b} ({escape(self.b_label)})</h4>"]
        if self.empty:
            out.append("<p>no differences</p>")
        for name in SECTIONS:
            frame = getattr(self, name)
            if frame.empty:
                continue
            columns = [c for c in TEXT_COLUMNS.get(name, list(frame.columns)) if c in frame.columns]
            head = "".join(f'<th scope="col">{escape(c)}</th>' for c in columns)
            rows = "".join(f'<tr><th scope="row">{cell(r[columns[0]])}</th>'
                           + "".join(f"<td>{cell(r[c])}</td>" for c in columns[1:]) + "</tr>"
                           for r in frame.to_dict("records"))
            out.append(f"<table><caption>{name}</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        for name, title in (("code", "code"), ("operations", "order of operations")):
            text = getattr(self, name)
            if text:
                out.append(f"<p>{title}</p><pre>{escape(text)}</pre>")
        return "\n".join(out)


def plain_cell(value: Any) -> Any:
    """NaN/NA → None, numpy scalars → Python."""
    if value is None:
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    item = getattr(value, "item", None)
    return item() if callable(item) and type(value).__module__ == "numpy" else value


# ------------------------------------------------------------------------------------------ sections


def _status(in_a: bool, in_b: bool, equal: bool) -> str:
    if not in_a:
        return "added"
    if not in_b:
        return "removed"
    return "equal" if equal else "changed"


def _role_table(ta: Trial, tb: Trial, role: str) -> list[dict[str, Any]]:
    ra = {n: t for n, (r, t) in variable_roles(ta).items() if r == role}
    rb = {n: t for n, (r, t) in variable_roles(tb).items() if r == role}
    rows = []
    for name in sorted(set(ra) | set(rb)):
        va = tagged_value(ta, name, ra[name]) if name in ra else None
        vb = tagged_value(tb, name, rb[name]) if name in rb else None
        row: dict[str, Any] = {"name": name, "a": va, "b": vb,
                               "status": _status(name in ra, name in rb, same(va, vb))}
        if role == "metrics":
            row["delta"] = _delta(va, vb)
        rows.append(row)
    return rows


def _parameters(ta: Trial, tb: Trial) -> list[dict[str, Any]]:
    """Parameters of both trials (tagged, command-line, see trial_params); ``argv`` compared in full, so
    it shows whenever the command lines differ (even when one trial had no arguments)."""
    pa, pb = trial_params(ta), trial_params(tb)
    argv_a, argv_b = trial_argv(ta), trial_argv(tb)
    if argv_a is not None and argv_b is not None and argv_a != argv_b:
        pa.setdefault("argv", argv_a)
        pb.setdefault("argv", argv_b)
    return [{"name": name, "a": pa.get(name), "b": pb.get(name),
             "status": _status(name in pa, name in pb, same(pa.get(name), pb.get(name)))}
            for name in sorted(set(pa) | set(pb))]


def _delta(a: Any, b: Any) -> Any:
    return b - a if is_number(a) and is_number(b) else None


def _variable_names(trial: Trial) -> list[str]:
    return [n for (n,) in trial.conn.execute(
        "SELECT DISTINCT name FROM versions WHERE trial_id = ? AND scope = ? AND kind != 'file' ORDER BY name",
        (trial.id, MODULE_SCOPE),
    )]


def _variables(ta: Trial, tb: Trial, tol: float, use_artifacts: bool) -> tuple[list[dict[str, Any]],
                                                                              list[dict[str, Any]]]:
    na, nb = _variable_names(ta), _variable_names(tb)
    both = [n for n in na if n in set(nb)]
    rows = []
    for name in both:
        va, vb = final_version(ta, name), final_version(tb, name)
        if va is None or vb is None:
            continue
        result = _exact(ta, tb, name, tol) if use_artifacts else None
        if result is None:
            result = compare_versions(va, vb, tol)
        rows.append({"name": name, "type_a": va.type, "type_b": vb.type, "a": python_value(va),
                     "b": python_value(vb), "status": result.status, "detail": result.detail,
                     "max_abs_diff": result.max_abs_diff, "n_different": result.n_different,
                     "exact": result.exact})
    only = []
    for trial, names, other in ((ta, na, set(nb)), (tb, nb, set(na))):
        for name in names:
            if name in other:
                continue
            version = final_version(trial, name)
            if version is not None:
                only.append({"name": name, "trial": trial.id, "type": version.type, "value": python_value(version)})
    return rows, only


def _exact(ta: Trial, tb: Trial, name: str, tol: float) -> Comparison | None:
    """Compare the artifacts both trials saved under ``name`` (unpickles them: asked for explicitly)."""
    from provbridge.manage.artifacts import artifact_names, load_artifact

    if name not in artifact_names(ta) or name not in artifact_names(tb):
        return None
    return compare_values(load_artifact(ta, name, store=ta.store), load_artifact(tb, name, store=tb.store), tol)


def file_states(trial: Trial) -> dict[str, tuple[str, str | None]]:
    """``{path: (access, sha256 at the end of the trial)}`` with access read, write or read+write; the
    hash is None when the file did not exist when the trial last touched it."""
    states: dict[str, tuple[str, str | None]] = {}
    for access in trial.file_accesses():
        old = states.get(access.path)
        kind = "write" if access.is_write else "read"
        if old is not None and old[0] != kind:
            kind = "read+write"
        digest = access.sha256_after if access.is_write else access.sha256_before
        states[access.path] = (kind, digest)
    return states


def _files(ta: Trial, tb: Trial) -> list[dict[str, Any]]:
    fa, fb = file_states(ta), file_states(tb)
    rows = []
    for path in sorted(set(fa) | set(fb)):
        a, b = fa.get(path), fb.get(path)
        if a is None:
            status = "added"
        elif b is None:
            status = "removed"
        else:
            status = "same" if a[1] == b[1] else "changed"
        rows.append({"path": _short_path(path, ta.cwd), "access_a": a[0] if a else None,
                     "access_b": b[0] if b else None, "sha256_a": (a[1] or "")[:12] if a else None,
                     "sha256_b": (b[1] or "")[:12] if b else None, "status": status})
    return rows


def _short_path(path: str, cwd: str | None) -> str:
    if cwd and path.startswith(cwd.rstrip(os.sep) + os.sep):
        return os.path.relpath(path, cwd)
    return path


def _environment(ta: Trial, tb: Trial) -> list[dict[str, Any]]:
    ea = {k: v for k, v in ta.environment().items() if k not in ARGUMENT_KINDS}  # those are parameters
    eb = {k: v for k, v in tb.environment().items() if k not in ARGUMENT_KINDS}
    ea.setdefault("python", {})["version"] = ta.python_version
    eb.setdefault("python", {})["version"] = tb.python_version
    ea.setdefault("provbridge", {})["version"] = ta.provbridge_version
    eb.setdefault("provbridge", {})["version"] = tb.provbridge_version
    rows = []
    order = {"python": 0, "package": 1, "git": 2, "os": 3, "provbridge": 4}
    for kind in sorted(set(ea) | set(eb), key=lambda k: (order.get(k, 9), k)):
        da, db = ea.get(kind, {}), eb.get(kind, {})
        for name in sorted(set(da) | set(db)):
            va, vb = da.get(name), db.get(name)
            rows.append({"kind": kind, "name": name, "a": va, "b": vb,
                         "status": _status(name in da, name in db, va == vb)})
    return rows


def _tags(ta: Trial, tb: Trial) -> list[dict[str, Any]]:
    ga, gb = trial_tags(ta), trial_tags(tb)
    return [{"name": n, "a": ga.get(n), "b": gb.get(n), "status": _status(n in ga, n in gb, ga.get(n) == gb.get(n))}
            for n in sorted(set(ga) | set(gb))]


def _code_diff(ta: Trial, tb: Trial) -> str:
    ca, cb = code_of(ta), code_of(tb)
    pairs: list[tuple[str, str, str, str]] = []
    main_a = _main_text(ta, ca)
    main_b = _main_text(tb, cb)
    pairs.append((f"trial {ta.id}: {main_a[0]}", f"trial {tb.id}: {main_b[0]}", main_a[1], main_b[1]))
    modules = [k for k in {**ca, **cb} if k not in (ta.main, tb.main) and not k.startswith(("In[", "cell "))]
    for path in modules:
        pairs.append((f"trial {ta.id}: {path}", f"trial {tb.id}: {path}", ca.get(path, ""), cb.get(path, "")))
    chunks: list[str] = []
    for from_label, to_label, text_a, text_b in pairs:
        if text_a == text_b:
            continue
        chunks.extend(difflib.unified_diff(text_a.splitlines(), text_b.splitlines(), from_label, to_label,
                                           lineterm=""))
    return "\n".join(chunks) + ("\n" if chunks else "")


def _main_text(trial: Trial, code: dict[str, str]) -> tuple[str, str]:
    cells = [(label, src) for label, src in code.items() if label.startswith(("In[", "cell "))]
    if cells:
        return trial.main or "notebook", "\n".join(f"# {label}\n{src.rstrip()}" for label, src in cells)
    return trial.main or "main", code.get(trial.main or "", next(iter(code.values()), ""))


def _operations_diff(ta: Trial, tb: Trial) -> str:
    la = [op.line for op in operations(ta)]
    lb = [op.line for op in operations(tb)]
    if la == lb:
        return ""
    lines = difflib.unified_diff(la, lb, f"trial {ta.id}", f"trial {tb.id}", lineterm="")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------- public


def diff(t1: TrialRef, t2: TrialRef, *, all: bool = False, tol: float = 0.0, artifacts: bool = False,
         store: StoreLike = None) -> TrialDiff:
    """Compare trial ``t1`` with ``t2`` (numbers, ``last``, ``last~1``, names, id prefixes or Trials).

    Parameters are the variables tagged so and the command-line arguments (argparse parameters, and
    ``argv`` whenever it differs); metrics are the variables tagged so; every other top-level variable
    present in both is compared from its stored summary (exact for scalars, by hash/shape/dtype/columns/statistics for
    arrays, frames and tensors, by parameters for estimators). ``artifacts=True`` loads the artifacts
    both trials saved under a variable's name (this unpickles them) to compare them element-wise.
    ``tol`` is the absolute tolerance for numbers. ``all=True`` keeps unchanged rows too. Imported PROV
    documents are compared record by record by provbridge.manage.recorddiff.record_diff instead."""
    with using_store(store) as opened:
        ta = get_trial(opened, t1)
        tb = get_trial(opened, t2)
        held = next((t for t in (ta, tb) if t.representation != RECORDS), None)
        if held is not None:  # a stored graph has PROV records, not variables
            raise ManageError(f"trial {held.id} is an imported PROV document: compare records with "
                              "provbridge.manage.recorddiff.record_diff (or provbridge.manage.diff.compare_any, as "
                              "`provbridge diff` does)")
        variables, only = _variables(ta, tb, tol, artifacts)
        rows = {"parameters": _parameters(ta, tb), "metrics": _role_table(ta, tb, "metrics"), "variables": variables,
                "only": only, "files": _files(ta, tb), "environment": _environment(ta, tb), "tags": _tags(ta, tb)}
        result = TrialDiff(ta.id, tb.id, ta.label, tb.label, code=_code_diff(ta, tb),
                           operations=_operations_diff(ta, tb), all=all, **section_tables(rows, all))
    return result


def section_tables(rows: dict[str, list[dict[str, Any]]], all: bool) -> dict[str, pd.DataFrame]:
    """Each section's rows as a DataFrame in COLUMNS (missing sections empty); unchanged rows left out unless
    ``all``."""
    import pandas as pd

    tables = {}
    for name in SECTIONS:
        columns, found = COLUMNS[name], rows.get(name, [])
        if not all and "status" in columns:
            found = [r for r in found if r["status"] not in UNCHANGED]
        tables[name] = pd.DataFrame(found, columns=columns).astype(object)
    return tables


def sparql_diff(t1: TrialRef, t2: TrialRef, *, all: bool = False, store: StoreLike = None,
                remote: str | None = None) -> TrialDiff:
    """The :func:`diff` of two trials as the PROV graphs answer it (provbridge.query.compare_trials, on
    ``remote`` or, with None, the embedded engine), in the same tables: variables in both (their values
    compared as the graph holds them), variables in one only, file contents, and the order of operations
    (the steps in one trial only, ``-`` and ``+``). What the graphs do not hold (parameters, metrics,
    environment, tags, code) is left empty."""
    from provbridge.query.api import compare_trials

    with using_store(store) as opened:
        ta, tb = get_trial(opened, t1), get_trial(opened, t2)
        found = compare_trials(ta, tb, store=opened, remote=remote)
    top = MODULE_SCOPE  # as diff: the top-level variables
    variables = [{"name": r["name"], "type_a": r["type_a"], "type_b": r["type_b"], "a": plain_cell(r["value_a"]),
                  "b": plain_cell(r["value_b"]), "status": "different" if r["differs"] else EQUAL, "detail": "",
                  "exact": False} for r in found.variables.to_dict("records") if r["scope"] == top]
    only = [{"name": r["name"], "trial": r["trial"]} for r in found.only.to_dict("records") if r["scope"] == top]
    digests: dict[str, dict[str, str]] = {}
    for r in found.files.to_dict("records"):
        digests.setdefault(r["path"], {})[r["side"]] = r["sha256"]
    files = [{"path": _short_path(path, ta.cwd), "sha256_a": (sides.get("a") or "")[:12] or None,
              "sha256_b": (sides.get("b") or "")[:12] or None,
              "status": "changed" if len(sides) == 2 else "removed" if "a" in sides else "added"}
             for path, sides in sorted(digests.items())]
    steps = [("-" if r["side"] == "a" else "+") + str(r["operation"]) for r in found.operations.to_dict("records")]
    operations = "".join(f"{step}\n" for step in steps)
    sections = section_tables({"variables": variables, "only": only, "files": files}, all)
    return TrialDiff(ta.id, tb.id, ta.label, tb.label, code="", operations=operations, all=all, remote=remote,
                     **sections)


def compare_any(first: Trial, second: Trial, *, all: bool = False, tol: float = 0.0, artifacts: bool = False,
                store: StoreLike = None) -> TrialDiff:
    """The :class:`TrialDiff` of two trials however they are held: their variables, files, code... for two
    captured trials, their PROV records (provbridge.manage.recorddiff) when a stored graph is one of them."""
    from provbridge.translate.representation import compare

    found: TrialDiff = compare(first, second, all=all, tol=tol, artifacts=artifacts, store=store)
    return found


def value_comparison(t1: TrialRef, t2: TrialRef, name: str, *, tol: float = 0.0,
                     store: StoreLike = None) -> Comparison:
    """Compare one variable's final value in two trials from the stored summaries."""
    from provbridge.errors import VariableNotFoundError

    with using_store(store) as opened:
        ta, tb = get_trial(opened, t1), get_trial(opened, t2)
        va, vb = final_version(ta, name), final_version(tb, name)
        if va is None or vb is None:
            missing = ta.id if va is None else tb.id
            raise VariableNotFoundError(f"no variable {name!r} in trial {missing}")
        return compare_versions(va, vb, tol)


__all__ = ["COLUMNS", "EQUAL", "TrialDiff", "diff", "file_states", "sparql_diff", "value_comparison"]
