"""Public tagging and trial API for notebooks (and scripts run by ``provbridge run``)."""

from __future__ import annotations

import builtins
from typing import Literal, TypeVar

from provbridge.capture.instrument import AFTER
from provbridge.notebook.session import active_session, value_text
from provbridge.store.writer import TrialWriter

T = TypeVar("T")
VariableKind = Literal["hyperparameter", "metric", "other"]
VARIABLE_KINDS = ("hyperparameter", "metric", "other")


def _script_recorder() -> object | None:
    """The recorder of a script being captured (its hooks are bound methods installed in builtins)."""
    hook = getattr(builtins, AFTER, None)
    recorder = getattr(hook, "__self__", None)
    return recorder if recorder is not None and getattr(recorder, "writer", None) is not None else None


def _writer() -> TrialWriter | None:
    session = active_session()
    if session is not None and not session.closed:
        return session.ensure_trial()
    recorder = _script_recorder()
    writer = getattr(recorder, "writer", None)
    return writer if isinstance(writer, TrialWriter) else None


def tag(name: str, value: T, kind: VariableKind | str = "other") -> T:
    """Tag variable ``name`` as a hyperparameter, a metric or other, recording ``value`` in the tag, and
    return ``value`` unchanged: ``lr = provbridge.tag("lr", 0.01, "hyperparameter")``. Outside a recorded
    session this only returns the value."""
    if kind not in VARIABLE_KINDS:
        raise ValueError(f"tag kind must be one of {', '.join(VARIABLE_KINDS)}, not {kind!r}")
    writer = _writer()
    if writer is not None:
        writer.add("tags", ("variable", str(name), kind, value_text(value)))
    return value


def tag_cell(stage: str) -> None:
    """Tag the running cell with a stage (data, features, training, evaluation, ...). In a script run,
    the tag goes to the script's execution."""
    stage = str(stage).strip()
    if not stage:
        raise ValueError("a stage name is required")
    session = active_session()
    if session is not None and not session.closed:
        subject = session.cell_subject()
        if subject is not None:
            session.add_tag("cell", subject, "stage", stage)
        return
    recorder = _script_recorder()
    root = getattr(recorder, "root", None)
    writer = getattr(recorder, "writer", None)
    if root is not None and isinstance(writer, TrialWriter):
        writer.add("tags", ("execution", str(root.act), "stage", stage))


def tag_trial(name: str, value: str = "") -> None:
    """Tag the current trial (``name`` alone, or ``name=value``)."""
    writer = _writer()
    if writer is not None:
        writer.add("tags", ("trial", writer.uuid, str(name), str(value)))


def name_trial(name: str) -> None:
    """Give the current trial a name (``provbridge trials`` shows it; trials can be referred to by it)."""
    writer = _writer()
    if writer is not None:
        writer.set_trial(name=name)


def new_trial(name: str | None = None) -> None:
    """In a notebook: finish the current trial; the next cell starts a new one (named ``name``)."""
    session = active_session()
    if session is None or session.closed:
        raise RuntimeError("new_trial needs the provbridge extension (%load_ext provbridge)")
    session.request_new_trial(name)


def current_trial() -> tuple[int, str] | None:
    """``(number, uuid)`` of the trial being recorded, or None."""
    writer = _writer()
    return (writer.trial_id, writer.uuid) if writer is not None else None
