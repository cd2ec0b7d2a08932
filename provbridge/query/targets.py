"""Resolving what a query is about: the store, the trial (the one being recorded, else the last) and the
variable, version or file named by the user."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any, TypeAlias

from provbridge.store.store import Store, Trial, open_store
from provbridge.translate.iris import trial_namespace

StoreLike: TypeAlias = "Store | str | os.PathLike[str] | None"
TrialRef: TypeAlias = "Trial | str | int"

VERSION_IRI = re.compile(r"[/#]v([0-9]+)$")


def active_writer() -> Any:
    """The writer of the trial being recorded in this process (script run or notebook), or None."""
    module = sys.modules.get("provbridge.capture.recorder")
    recorder = getattr(module, "ACTIVE", None)
    return getattr(recorder, "writer", None)


def get_store(store: StoreLike) -> Store:
    """An open store from a Store, a path, or None (the store being recorded into, else the nearest)."""
    if isinstance(store, Store):
        return store
    if store is None:
        writer = active_writer()
        if writer is not None and getattr(writer, "store_dir", None):
            return open_store(Path(writer.store_dir))
    return open_store(store)


def get_trial(trial: TrialRef | None = None, store: StoreLike = None) -> Trial:
    """A trial by reference; by default the trial being recorded in this process, else the last one."""
    if isinstance(trial, Trial):
        return trial
    opened = get_store(store)
    if trial is None:
        writer = active_writer()
        if writer is not None and _same(opened.directory, getattr(writer, "store_dir", None)):
            return opened.trial(int(writer.trial_id))
        return opened.trial("last")
    return opened.trial(trial)


def _same(a: Path, b: Any) -> bool:
    try:
        return b is not None and os.path.samefile(a, b)
    except OSError:
        return False


def version_iri(trial: Trial, version: int) -> str:
    """The IRI of version ``version`` of ``trial``."""
    return f"{trial_namespace(trial.uuid)}v{version}"


def version_number(iri: str | None) -> int | None:
    """The version number at the end of a version IRI, or None for other nodes."""
    if not iri:
        return None
    match = VERSION_IRI.search(iri)
    return int(match.group(1)) if match else None


def split_target(target: str | int) -> tuple[str | None, int | None]:
    """``name``, ``name@N`` or a version number ``N`` as (name, version)."""
    if isinstance(target, int):
        return None, target
    text = str(target)
    if "@" in text:
        name, _, number = text.rpartition("@")
        if number.isdigit():
            return name or None, int(number)
    if text.isdigit():
        return None, int(text)
    return text, None


def path_candidates(trial: Trial, name: str) -> list[str]:
    """The names a variable or file may be recorded under: as given, and a relative path made absolute
    against the trial's working directory."""
    found = [name]
    if ("/" in name or "." in name) and not os.path.isabs(name) and trial.cwd:
        found.append(os.path.normpath(os.path.join(trial.cwd, name)))
    return found
