"""Artifacts: objects pickled on request into content-addressed files under ``.provbridge/objects/``."""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import sqlite3
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from provbridge.errors import StoreError
from provbridge.manage.common import ManageError, StoreLike, TrialRef, final_version, get_trial, using_store
from provbridge.store.store import Store, Trial
from provbridge.store.writer import utcnow

if TYPE_CHECKING:
    import pandas as pd

OBJECTS = "objects"
SHA256 = re.compile(r"[0-9a-f]{64}")
ARTIFACT_COLUMNS = ("trial", "name", "version", "type", "size", "sha256", "created_at", "intact")


class ArtifactError(ManageError):
    """An artifact is missing, or its object file is gone or does not match its recorded hash."""


@dataclass(frozen=True)
class ArtifactInfo:
    """A saved artifact: its trial, name, linked variable version, content hash, type and size."""

    trial: int
    name: str
    version_id: int | None
    sha256: str
    type: str
    size: int
    path: Path


def object_path(store_dir: Path, sha256: str) -> Path:
    """Where the object with this content hash lives: ``objects/ab/cdef...``. The hash comes from the data
    file, which anyone may have edited: anything but 64 lower-case hex digits, or a path that resolves
    outside ``objects/`` (a symbolic link), is a StoreError, never a path to read or delete."""
    if not isinstance(sha256, str) or not SHA256.fullmatch(sha256):
        raise StoreError(f"the data file holds an invalid artifact hash {str(sha256)[:80]!r}; ignored")
    objects = store_dir / OBJECTS
    path = objects / sha256[:2] / sha256[2:]
    try:
        inside = path.resolve().is_relative_to(objects.resolve())
    except (OSError, RuntimeError):
        inside = False
    if not inside:
        raise StoreError(f"artifact object {path} leads outside {objects}; ignored")
    return path


def _write_object(store_dir: Path, data: bytes, sha256: str) -> Path:
    path = object_path(store_dir, sha256)
    if path.is_file() and _intact(path, sha256):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _type_name(obj: Any) -> str:
    t = type(obj)
    return t.__qualname__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"


def _active_recorder() -> Any:
    """The recorder of the trial being captured in this process (script run or notebook), if any."""
    module = sys.modules.get("provbridge.capture.recorder")
    return getattr(module, "ACTIVE", None) if module is not None else None


def _current_version(recorder: Any, name: str) -> int | None:
    """The version the variable ``name`` is bound to right now in the running trial."""
    try:
        scope = recorder.current()
        for candidate in (scope, scope.glob, recorder.root):
            if candidate is not None and name in candidate.vars:
                return int(candidate.vars[name])
    except Exception:
        return None
    return None


_INSERT = ("INSERT OR REPLACE INTO artifacts (trial_id, name, version_id, sha256, type, size, created_at) "
           "VALUES (?,?,?,?,?,?,?)")


def save_artifact(obj: Any, name: str, *, trial: TrialRef | None = None, store: StoreLike = None) -> ArtifactInfo:
    """Pickle ``obj`` into the store's content-addressed objects and record it as artifact ``name``.

    Inside a captured run (``provbridge run`` or a notebook with the extension) it belongs to the running
    trial and is linked to the current version of the variable ``name``; elsewhere it is attached to
    ``trial`` (default: the last trial) and linked to that trial's final version of ``name``. Saving
    the same name again in a trial replaces the link. The row is committed before the object file is
    written, so a concurrent ``delete`` never removes an object that a row refers to."""
    if not isinstance(name, str) or not name.strip():
        raise ArtifactError("an artifact needs a name (usually the variable's name)")
    try:
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        raise ArtifactError(f"cannot pickle {name!r} ({_type_name(obj)}): {exc}") from None
    sha256 = hashlib.sha256(data).hexdigest()
    recorder = _active_recorder() if trial is None and store is None else None
    writer = getattr(recorder, "writer", None)
    if writer is not None:
        version_id = _current_version(recorder, name)
        row = (writer.trial_id, name, version_id, sha256, _type_name(obj), len(data), utcnow())
        with writer.lock, writer.conn:
            writer.conn.execute(_INSERT, row)
        path = _write_object(Path(writer.store_dir), data, sha256)
        return ArtifactInfo(writer.trial_id, name, version_id, sha256, row[4], len(data), path)
    with using_store(store) as opened:
        target = get_trial(opened, trial if trial is not None else "last")
        version = final_version(target, name)
        version_id = version.id if version is not None else None
        with opened.conn:
            opened.conn.execute(_INSERT, (target.id, name, version_id, sha256, _type_name(obj), len(data), utcnow()))
        path = _write_object(opened.directory, data, sha256)
        return ArtifactInfo(target.id, name, version_id, sha256, _type_name(obj), len(data), path)


def _rows(trial: Trial) -> list[tuple[str, int | None, str, str, int, str]]:
    try:
        return trial.conn.execute(
            "SELECT name, version_id, sha256, type, size, created_at FROM artifacts WHERE trial_id = ? ORDER BY name",
            (trial.id,),
        ).fetchall()
    except sqlite3.Error:
        return []


def artifact_names(trial: Trial) -> list[str]:
    """Names of the artifacts saved in a trial."""
    return [row[0] for row in _rows(trial)]


def artifact_info(store: Store, trial: Trial, name: str) -> ArtifactInfo:
    """The recorded artifact ``name`` of ``trial``; ArtifactError when there is none."""
    for row_name, version_id, sha256, type_name, size, _created in _rows(trial):
        if row_name == name:
            return ArtifactInfo(trial.id, name, version_id, sha256, type_name, size,
                                object_path(store.directory, sha256))
    names = artifact_names(trial)
    known = f" (it has: {', '.join(names)})" if names else " (it has none)"
    raise ArtifactError(f"trial {trial.id} has no artifact {name!r}{known}")


def read_verified(info: ArtifactInfo) -> bytes:
    """The object's bytes after checking them against the recorded sha256."""
    try:
        data = info.path.read_bytes()
    except FileNotFoundError:
        raise ArtifactError(f"the object of artifact {info.name!r} (trial {info.trial}) is missing: "
                            f"{info.path}") from None
    actual = hashlib.sha256(data).hexdigest()
    if actual != info.sha256:
        raise ArtifactError(
            f"artifact {info.name!r} of trial {info.trial} was modified or is corrupt (sha256 {actual[:12]}, "
            f"recorded {info.sha256[:12]}); refusing to unpickle it"
        )
    return data


def load_artifact(trial: TrialRef, name: str, *, store: StoreLike = None) -> Any:
    """Restore artifact ``name`` of ``trial``: the object file is re-hashed and unpickled only when it
    matches the recorded sha256 (unpickling runs code: load only artifacts from stores you trust)."""
    with using_store(store) as opened:
        target = get_trial(opened, trial)
        info = artifact_info(opened, target, name)
    return pickle.loads(read_verified(info))


def artifacts(trial: TrialRef | None = None, *, store: StoreLike = None) -> pd.DataFrame:
    """The saved artifacts (of one trial, or of all), one row per artifact (:data:`ARTIFACT_COLUMNS`: trial
    number, artifact name, number of the variable version it was saved from, type, size, content hash,
    time saved, and whether its object file is intact)."""
    import pandas as pd

    rows = []
    with using_store(store) as opened:
        chosen = [get_trial(opened, trial)] if trial is not None else opened.trials()
        for t in chosen:
            for name, version_id, sha256, type_name, size, created in _rows(t):
                try:
                    intact = _intact(object_path(opened.directory, sha256), sha256)
                except StoreError:  # a hash that names no object of this store
                    intact = False
                rows.append({"trial": t.id, "name": name, "version": version_id, "type": type_name, "size": size,
                             "sha256": sha256, "created_at": created, "intact": intact})
    frame = pd.DataFrame(rows, columns=list(ARTIFACT_COLUMNS))
    frame["version"] = pd.Series([r["version"] for r in rows], dtype=object)  # numbers, None when unbound
    return frame


def _intact(path: Path, sha256: str) -> bool:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    except OSError:
        return False
