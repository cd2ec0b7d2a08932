"""Data integrity: re-hash every file a trial read or wrote (and its artifacts) and report what changed."""

from __future__ import annotations

import hashlib
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from provbridge.errors import StoreError
from provbridge.manage.artifacts import _rows, object_path
from provbridge.manage.common import ManageError, StoreLike, TrialRef, get_trial, using_store
from provbridge.manage.diff import file_states
from provbridge.store.store import Trial

CHUNK = 1 << 20


@dataclass(frozen=True)
class FileCheck:
    """One file of a trial: ``status`` is ok, changed, vanished or invalid (an artifact whose stored hash is
    not a sha256); ``access`` read, write, read+write or
    artifact."""

    trial: int
    path: str
    access: str
    status: str
    expected: str
    actual: str | None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class VerifyReport:
    """The checks of one or more trials; ``ok`` when no file changed or vanished."""

    checks: list[FileCheck]

    @property
    def problems(self) -> list[FileCheck]:
        return [c for c in self.checks if c.status != "ok"]

    @property
    def ok(self) -> bool:
        return not self.problems

    def __bool__(self) -> bool:
        return self.ok


def sha256_file(path: str | os.PathLike[str]) -> str | None:
    """The sha256 of a file's content, or None when it does not exist (or cannot be read)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError):
        return None
    return digest.hexdigest()


def shell_path(path: str | os.PathLike[str]) -> str:
    """A path as a shell takes it: ``~`` expanded, relative to the current directory, normalized."""
    return os.path.abspath(os.path.expanduser(os.fspath(path)))


def check_trial(trial: Trial, store_dir: Path, *, artifacts: bool = True,
                paths: set[str] | None = None) -> list[FileCheck]:
    """Re-hash the files of one trial as they were when the trial last touched them (only ``paths``, absolute,
    when given). Files that did not exist at that point (temporary files the trial deleted) are not checked."""
    checks = []
    for path, (access, expected) in file_states(trial).items():
        if expected is None or (paths is not None and path not in paths):
            continue
        actual = sha256_file(path)
        status = "vanished" if actual is None else ("ok" if actual == expected else "changed")
        checks.append(FileCheck(trial.id, path, access, status, expected, actual))
    if artifacts and paths is None:
        for name, _vid, sha256, _type, _size, _created in _rows(trial):
            try:
                obj = object_path(store_dir, sha256)
            except StoreError:  # a crafted hash in the data file: never follow it outside objects/
                checks.append(FileCheck(trial.id, f"artifact {name}", "artifact", "invalid", sha256, None))
                continue
            actual = sha256_file(obj)
            status = "vanished" if actual is None else ("ok" if actual == sha256 else "changed")
            checks.append(FileCheck(trial.id, f"artifact {name} ({obj})", "artifact", status, sha256, actual))
    return checks


def verify(trial: TrialRef | None = "last", *, store: StoreLike = None, artifacts: bool = True,
           paths: list[str | os.PathLike[str]] | None = None) -> VerifyReport:
    """Check that the files ``trial`` read or wrote still have the content it saw (``trial=None``: every
    trial). ``paths`` restricts the check to these files, taken relative to the current directory as a
    shell does; a path no chosen trial read or wrote is a ManageError. A report is falsy when any file
    changed or vanished; ``report.problems`` lists them."""
    wanted = {shell_path(p) for p in paths} if paths is not None else None
    with using_store(store) as opened:
        chosen = opened.trials() if trial is None else [get_trial(opened, trial)]
        checks = [c for t in chosen for c in check_trial(t, opened.directory, artifacts=artifacts, paths=wanted)]
    if wanted is not None:
        missing = sorted(wanted - {c.path for c in checks})
        if missing:
            what = "no trial read or wrote" if trial is None else f"trial {chosen[0].id} did not read or write"
            raise ManageError(f"{what} {missing[0]} (or it did not exist afterwards)")
    return VerifyReport(checks)
