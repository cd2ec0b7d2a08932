"""Resolving what a query is about: the store, the trial (the one being recorded, else the last) and the
variable, version or file named by the user."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
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


def resolve_name(trial: Trial, name: str) -> str:
    """The name a variable or file is recorded under in ``trial``: a variable name as given; a file path as
    a shell takes it, relative to the current directory (``../data/out.txt`` from a subdirectory), else as
    recorded; only when no such file exists here, relative to the trial's own directory (a query run from
    elsewhere). The given text when none of these was recorded."""
    for candidate in _candidates(trial, name):
        if _recorded(trial, candidate):
            return candidate
    return name


def path_candidates(trial: Trial, name: str) -> list[str]:
    """The names to query for a variable or file: the one it is recorded under (:func:`resolve_name`), or
    when nothing matches, every reading of it (the given text first, for error messages)."""
    for candidate in _candidates(trial, name):
        if _recorded(trial, candidate):
            return [candidate]
    return list(dict.fromkeys([name, *_candidates(trial, name)]))


def is_path_like(name: str) -> bool:
    """True when ``name`` cannot be a variable name and so names a file."""
    return not name.isidentifier()


def _candidates(trial: Trial, name: str) -> list[str]:
    if not is_path_like(name):
        return [name]
    expanded = os.path.expanduser(name)
    found: list[str] = []
    if os.path.isabs(expanded):
        found.append(os.path.normpath(expanded))
    else:
        here = os.path.abspath(expanded)
        found += [here, name]
        if trial.cwd and not os.path.lexists(here):
            found.append(os.path.normpath(os.path.join(trial.cwd, expanded)))
    if name not in found:
        found.append(name)
    return list(dict.fromkeys(found))


def recorded(trial: Trial, names: Iterable[str]) -> bool:
    """True when a captured trial recorded a version of any of ``names`` (from the store: asking the query
    index with versions.rq would load the full index, which that query needs, for a yes or no)."""
    return any(_recorded(trial, name) for name in names)


def _recorded(trial: Trial, name: str) -> bool:
    """True when the trial recorded a version (of a variable or file) named ``name``."""
    try:
        row = trial.conn.execute("SELECT 1 FROM versions WHERE trial_id = ? AND name = ? LIMIT 1",
                                 (trial.id, name)).fetchone()
    except Exception:
        return False
    return row is not None
