"""Re-run a recorded trial from its stored source, arguments and hash-checked inputs, and say whether it repeats."""

from __future__ import annotations

import hashlib
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from provbridge.manage.common import (
    MODULE_SCOPE,
    ManageError,
    StoreLike,
    TrialRef,
    get_trial,
    is_number,
    is_scalar,
    python_value,
    trial_argv,
    using_store,
)
from provbridge.manage.compare import DIFFERENT, EQUAL, compare_versions
from provbridge.manage.diff import file_states
from provbridge.store.model import Version
from provbridge.store.store import RECORDS, Store, Trial

REPEAT_TAG = "repeat-of"
"""Trial-level tag of a re-run: its value is the UUID of the trial it repeats."""
ENVIRONMENT_KINDS = ("python", "package", "os")
REDACTED = "<redacted>"  # what provbridge.capture.values.secrets writes in place of a secret argument
_RUN_VALUE_OPTIONS = frozenset({"--granularity", "--name", "--fold", "--store"})
_RUN_FLAGS = frozenset({"-q", "--quiet", "--strict"})
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_SKIPPED_KINDS = frozenset({"import", "def", "class"})  # names bound to code, not to values


@dataclass
class Input:
    """A file the original trial read before writing it: where it is placed for the re-run."""

    path: str  # relative to the trial's working directory, or absolute when outside it
    sha256: str
    placement: str  # copied | in place


@dataclass
class Divergence:
    """The first binding whose value differs between the original and the re-run."""

    name: str
    lineno: int | None
    text: str | None
    original: str | None
    repeat: str | None
    detail: str


@dataclass
class RepeatReport:
    """What a re-run of trial ``original`` (recorded as trial ``repeat``) produced compared to the original."""

    original: int
    repeat: int | None
    directory: str
    tolerance: float
    exit_original: int | None
    exit_repeat: int
    inputs: list[Input] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    variables: list[dict[str, Any]] = field(default_factory=list)
    environment: list[dict[str, Any]] = field(default_factory=list)
    divergence: Divergence | None = None
    stderr: str = ""

    @property
    def repeatable(self) -> bool:
        """Recorded, with the same exit status, the same output files, and no top-level variable that ended
        with another value."""
        return (self.repeat is not None and self.exit_repeat == (self.exit_original or 0)
                and all(row["status"] == "same" for row in self.files)
                and all(row["status"] != DIFFERENT for row in self.variables))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "original": self.original, "repeat": self.repeat, "repeatable": self.repeatable,
            "directory": self.directory, "tolerance": self.tolerance,
            "exit_original": self.exit_original, "exit_repeat": self.exit_repeat,
            "inputs": [vars(i) for i in self.inputs], "files": self.files, "variables": self.variables,
            "environment": self.environment,
            "first_divergence": vars(self.divergence) if self.divergence else None,
        }

    def text(self) -> str:
        """The readable report."""
        head = (f"trial {self.repeat} repeats trial {self.original}" if self.repeat is not None
                else f"the re-run of trial {self.original} was not recorded")
        lines = [f"{head} in {self.directory}: {'repeatable' if self.repeatable else 'NOT repeatable'}"]
        if self.exit_repeat != (self.exit_original or 0):
            lines.append(f"exit status: {self.exit_original} -> {self.exit_repeat}")
            lines += [f"  {line}" for line in self.stderr.strip().splitlines()[-3:]]
        changed = [r for r in self.files if r["status"] != "same"]
        lines.append(f"output files: {len(self.files) - len(changed)} of {len(self.files)} identical")
        lines += [f"  {r['path']}: {r['status']} ({_short(r['original'])} -> {_short(r['repeat'])})" for r in changed]
        different = [r for r in self.variables if r["status"] == DIFFERENT]
        lines.append(f"variables: {len(self.variables) - len(different)} of {len(self.variables)} final values equal")
        lines += [f"  {r['name']}: {r['detail'] or 'different'}" for r in different]
        if self.divergence is not None:
            d = self.divergence
            where = f"line {d.lineno}: {d.text}" if d.lineno is not None else (d.text or "?")
            lines.append(f"first divergence: {d.name} at {where} ({d.detail})")
        if self.environment:
            lines.append("environment differences:")
            lines += [f"  {r['kind']} {r['name']}: {r['original']} -> {r['repeat']}" for r in self.environment]
        else:
            lines.append("environment: same Python, OS and package versions")
        return "\n".join(lines) + "\n"


def _short(digest: str | None) -> str:
    return digest[:12] if digest else "absent"


# ----------------------------------------------------------------------------------------- preparing


def sha256_file(path: Path) -> str:
    """The sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def environment_prefixes(trial: Trial) -> tuple[str, ...]:
    """Directories of the Python installation (recorded and current): files read there are the
    environment's (library data, stdlib), not inputs."""
    recorded = trial.environment().get("python", {})
    found = {recorded.get("prefix"), sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    return tuple(sorted(p.rstrip(os.sep) + os.sep for p in found if p))


def relative(path: str, cwd: str | None) -> str:
    """``path`` relative to ``cwd`` when inside it, else as is."""
    if cwd and path.startswith(cwd.rstrip(os.sep) + os.sep):
        return os.path.relpath(path, cwd)
    return path


def recorded_inputs(trial: Trial) -> list[Input]:
    """The files the trial read before it wrote them (in first-read order), with the hash they had,
    leaving out files of the Python installation."""
    prefixes = environment_prefixes(trial)
    seen: set[str] = set()
    inputs: list[Input] = []
    for access in trial.file_accesses():
        if access.path in seen:
            continue
        seen.add(access.path)
        if access.sha256_before is None or access.path.startswith(prefixes):
            continue
        if access.is_write and not any(c in access.mode for c in "+a"):
            continue  # truncated or created: what it held before was never read
        rel = relative(access.path, trial.cwd)
        inputs.append(Input(rel, access.sha256_before, "in place" if os.path.isabs(rel) else "copied"))
    return inputs


def _source(trial: Trial, item: Input) -> Path:
    return Path(item.path) if os.path.isabs(item.path) else Path(trial.cwd or ".") / item.path


def check_inputs(trial: Trial) -> list[Input]:
    """The recorded inputs, each checked to exist with the sha256 it had; a missing or changed one is a
    one-line ManageError naming it."""
    inputs = recorded_inputs(trial)
    for item in inputs:
        source = _source(trial, item)
        if not source.is_file():
            raise ManageError(f"input {item.path} of trial {trial.id} is missing ({source} does not exist; "
                              f"recorded sha256 {item.sha256[:12]})")
        now = sha256_file(source)
        if now != item.sha256:
            raise ManageError(f"input {item.path} of trial {trial.id} changed since it was recorded "
                              f"(sha256 {item.sha256[:12]} recorded, {now[:12]} now)")
    return inputs


def copy_inputs(trial: Trial, inputs: list[Input], directory: Path) -> None:
    """Copy the inputs inside the trial's working directory to the same places under ``directory``
    (checked again after copying); inputs outside it are read where they are."""
    for item in inputs:
        if item.placement != "copied":
            continue
        target = directory / item.path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(_source(trial, item), target)
        if sha256_file(target) != item.sha256:
            raise ManageError(f"input {item.path} of trial {trial.id} changed while it was copied")


def place_code(trial: Trial, directory: Path) -> str:
    """Write the trial's script or notebook (and the user modules it imported from its working directory)
    into ``directory`` from the stored sources; return the path to run, relative to ``directory``."""
    if trial.main_code_id is None or not trial.main:
        raise ManageError(f"trial {trial.id} has no recorded source to re-run")
    code = trial.store.code(trial.main_code_id)
    target = relative(trial.main, trial.cwd)
    if os.path.isabs(target):
        target = os.path.basename(target)
    _write(directory / target, code.source)
    for path, source in trial.conn.execute(
        "SELECT DISTINCT c.path, c.source FROM executions e JOIN code c ON c.id = e.code_id WHERE e.trial_id = ? "
        "AND e.kind = 'module' AND e.parent IS NOT NULL AND c.id != ?", (trial.id, trial.main_code_id),
    ):
        rel = relative(str(path), trial.cwd)
        if rel and not os.path.isabs(rel) and not rel.startswith(".."):
            _write(directory / rel, source)
    return target


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def program_arguments(trial: Trial) -> list[str]:
    """The arguments the program was given: the recorded ``sys.argv`` (scripts), else what followed the
    target on the recorded ``provbridge run`` command (notebooks: ``-p NAME VALUE``; ``--output`` dropped)."""
    argv = trial_argv(trial) if trial.kind == "script" else None
    args = argv[1:] if argv else _command_arguments(trial.command)
    if any(REDACTED in arg for arg in args):
        raise ManageError(f"trial {trial.id} was given a secret argument that was redacted when recorded; "
                          "it cannot be repeated from the record")
    if trial.kind != "notebook":
        return args
    kept: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in ("-o", "--output"):
            skip = True
        elif not arg.startswith("--output="):
            kept.append(arg)
    return kept


def _command_arguments(command: list[str]) -> list[str]:
    """What followed the target in ``provbridge run [OPTIONS] TARGET ARGS...``."""
    rest = command[2:] if command[:2] == ["provbridge", "run"] else command[1:]
    i = 0
    while i < len(rest) and rest[i].startswith("-"):
        option = rest[i].split("=", 1)[0]
        i += 2 if option in _RUN_VALUE_OPTIONS and "=" not in rest[i] else 1
        if option not in _RUN_VALUE_OPTIONS | _RUN_FLAGS:
            break
    return rest[i + 1:]


def fresh_directory(directory: str | os.PathLike[str] | None) -> Path:
    """A new temporary directory, or ``directory`` when it does not exist or is empty."""
    if directory is None:
        return Path(tempfile.mkdtemp(prefix="provbridge-repeat-")).resolve()
    path = Path(directory).resolve()
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise ManageError(f"{directory} is not an empty directory; give --in a new or empty directory")
    path.mkdir(parents=True, exist_ok=True)
    return path


# ----------------------------------------------------------------------------------------- running


def repeat(trial: TrialRef, *, directory: str | os.PathLike[str] | None = None, tolerance: float = 0.0,
           store: StoreLike = None, env: Mapping[str, str] | None = None) -> RepeatReport:
    """Re-run ``trial`` in a fresh directory (a temporary one unless ``directory`` is given) from its
    recorded source, arguments and inputs (checked by sha256), record the re-run as a new trial tagged
    ``repeat-of`` the original, and compare the two."""
    if tolerance < 0:
        raise ManageError("the tolerance must not be negative")
    with using_store(store) as opened:
        if opened.readonly:
            raise ManageError(f"{opened.path} is read-only: repeat records the re-run as a new trial")
        original = get_trial(opened, trial)
        if original.representation != RECORDS or original.kind not in ("script", "notebook"):
            raise ManageError(f"trial {original.id} is a {original.kind} trial; repeat re-runs recorded "
                              "scripts and notebooks")
        if original.status == "running":
            raise ManageError(f"trial {original.id} is still running")
        args = program_arguments(original)
        inputs = check_inputs(original)
        place = fresh_directory(directory)
        copy_inputs(original, inputs, place)
        target = place_code(original, place)
        before = opened.conn.execute("SELECT coalesce(max(id), 0) FROM trials").fetchone()[0]
        proc = subprocess.run(
            [sys.executable, "-m", "provbridge", "run", "-q", "--store", str(opened.directory),
             "--granularity", str(original.granularity), target, *args],
            cwd=place, env=dict(os.environ if env is None else env), capture_output=True, text=True,
        )
        rerun = _new_trial(opened, before, str(place / target), str(place))
        report = RepeatReport(original.id, rerun.id if rerun else None, str(place), tolerance,
                              original.exit_code, proc.returncode, inputs, stderr=proc.stderr)
        if rerun is None:
            return report
        with opened.conn:
            opened.conn.execute(
                "INSERT OR IGNORE INTO tags (trial_id, subject_kind, subject, name, value) "
                "VALUES (?, 'trial', ?, ?, ?)",
                (rerun.id, rerun.uuid, REPEAT_TAG, original.uuid))
        report.files = compare_files(original, rerun)
        report.variables = compare_variables(original, rerun, tolerance)
        report.divergence = first_divergence(original, rerun, tolerance)
        report.environment = environment_differences(original, rerun)
        return report


def _new_trial(store: Store, before: int, main: str, cwd: str) -> Trial | None:
    rows = store.conn.execute("SELECT id, main, cwd FROM trials WHERE id > ? ORDER BY id", (before,)).fetchall()
    for tid, found_main, _cwd in rows:
        if found_main and os.path.realpath(found_main) == os.path.realpath(main):
            return store.trial(int(tid))
    for tid, _main, found_cwd in rows:
        if found_cwd and os.path.realpath(found_cwd) == os.path.realpath(cwd):
            return store.trial(int(tid))
    return None


# ----------------------------------------------------------------------------------------- comparing


def compare_files(original: Trial, rerun: Trial) -> list[dict[str, Any]]:
    """The files each trial wrote, by path relative to its working directory, with their final sha256."""
    rows = []
    outputs = []
    for trial in (original, rerun):
        prefixes = environment_prefixes(trial)
        outputs.append({relative(path, trial.cwd): digest for path, (access, digest) in file_states(trial).items()
                        if access != "read" and not path.startswith(prefixes)})
    a, b = outputs
    for path in sorted(set(a) | set(b)):
        status = ("new" if path not in a else "missing" if path not in b else "same" if a[path] == b[path]
                  else "changed")
        rows.append({"path": path, "original": a.get(path), "repeat": b.get(path), "status": status})
    return rows


def _comparable(trial: Trial) -> list[Version]:
    return [v for v in trial.versions(files=False) if v.kind not in _SKIPPED_KINDS]


def _same(a: Version, b: Version, tolerance: float) -> tuple[str, str]:
    """Compare two versions; numbers are equal when they differ by at most ``tolerance`` of the larger."""
    absolute = 0.0
    if tolerance and is_scalar(a) and is_scalar(b):
        va, vb = python_value(a), python_value(b)
        if is_number(va) and is_number(vb) and math.isfinite(va) and math.isfinite(vb):
            absolute = tolerance * max(abs(va), abs(vb))
    result = compare_versions(a, b, absolute)
    if (result.status == DIFFERENT and a.repr and b.repr and a.repr != b.repr
            and _ADDRESS.sub("", a.repr) == _ADDRESS.sub("", b.repr) and a.summary == b.summary):
        return EQUAL, ""  # only an object's memory address differs
    return result.status, result.detail


def compare_variables(original: Trial, rerun: Trial, tolerance: float) -> list[dict[str, Any]]:
    """Top-level variables' final values: equal, different or unknown (numbers within the relative
    ``tolerance`` are equal)."""
    final_a = {v.name: v for v in _comparable(original) if v.scope == MODULE_SCOPE}
    final_b = {v.name: v for v in _comparable(rerun) if v.scope == MODULE_SCOPE}
    rows = []
    for name in sorted(set(final_a) | set(final_b)):
        va, vb = final_a.get(name), final_b.get(name)
        if va is None or vb is None:
            status, detail = DIFFERENT, "not bound in the re-run" if vb is None else "not bound in the original"
        else:
            status, detail = _same(va, vb, tolerance)
        rows.append({"name": name, "original": va.repr if va else None, "repeat": vb.repr if vb else None,
                     "status": status, "detail": detail})
    return rows


def first_divergence(original: Trial, rerun: Trial, tolerance: float) -> Divergence | None:
    """The first binding, in recording order, whose value differs in the re-run (bindings are paired by
    scope, name and occurrence), with the statement that made it."""
    def keyed(trial: Trial) -> dict[tuple[str, str, int], Version]:
        seen: dict[tuple[str, str], int] = {}
        result = {}
        for version in _comparable(trial):
            n = seen.get((version.scope, version.name), 0)
            seen[(version.scope, version.name)] = n + 1
            result[(version.scope, version.name, n)] = version
        return result

    a, b = keyed(original), keyed(rerun)
    statements = {e.id: e for e in original.executions()}
    for key, va in a.items():
        vb = b.get(key)
        if vb is None:
            status, detail = DIFFERENT, "not bound in the re-run"
        else:
            status, detail = _same(va, vb, tolerance)
        if status == DIFFERENT:
            execution = statements.get(va.exec_id) if va.exec_id is not None else None
            return Divergence(va.name, execution.lineno if execution else None, execution.text if execution else None,
                              va.repr, vb.repr if vb else None, detail or "different")
    return None


def environment_differences(original: Trial, rerun: Trial) -> list[dict[str, Any]]:
    """Python, OS and package versions that differ between the two trials (a package only one has is
    shown with None on the other side)."""
    ea, eb = original.environment(), rerun.environment()
    ea.setdefault("python", {})["version"] = original.python_version
    eb.setdefault("python", {})["version"] = rerun.python_version
    rows = []
    for kind in ENVIRONMENT_KINDS:
        da, db = ea.get(kind, {}), eb.get(kind, {})
        rows += [{"kind": kind, "name": name, "original": da.get(name), "repeat": db.get(name)}
                 for name in sorted(set(da) | set(db)) if da.get(name) != db.get(name)]
    return rows
