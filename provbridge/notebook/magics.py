"""Line magics: ``%pb_stage NAME`` tags the cell, ``%pb_trial [new [NAME] | name NAME]`` manages trials,
``%pb_report [TRIAL ...] [--all]`` shows the HTML report."""

from __future__ import annotations

from typing import Any

from provbridge.notebook import api
from provbridge.notebook.session import active_session

TRIAL_USAGE = "usage: %pb_trial | %pb_trial new [NAME] | %pb_trial name NAME"
REPORT_USAGE = "usage: %pb_report [TRIAL ...] [--all]"


def _usage_error(message: str) -> Exception:
    from IPython.core.error import UsageError

    return UsageError(message)


def pb_stage(line: str) -> None:
    """%pb_stage NAME: tag the current cell with a stage (data, features, training, evaluation, ...)."""
    stage = line.strip()
    if not stage:
        raise _usage_error("usage: %pb_stage NAME")
    if active_session() is None:
        raise _usage_error("provbridge is not loaded: %load_ext provbridge")
    api.tag_cell(stage)


def pb_trial(line: str) -> None:
    """%pb_trial: show the current trial; ``new [NAME]`` starts a new trial with the next cell;
    ``name NAME`` names the current trial."""
    session = active_session()
    if session is None or session.closed:
        raise _usage_error("provbridge is not loaded: %load_ext provbridge")
    words = line.split(None, 1)
    command = words[0] if words else ""
    argument = words[1].strip() if len(words) > 1 else ""
    if command == "":
        writer = session.ensure_trial()
        name = session_name(session)
        label = f" named {name!r}" if name else ""
        print(f"provbridge trial {writer.trial_id} ({writer.uuid}){label}, store {writer.store_dir}")
    elif command == "new":
        current = session.writer
        session.request_new_trial(argument or None)
        if current is not None and session.writer is current:
            print(f"provbridge: trial {current.trial_id} ends with this cell; the next cell starts a new trial")
        elif session.writer is not None:
            print(f"provbridge: started trial {session.writer.trial_id} ({session.writer.uuid})")
    elif command == "name" and argument:
        session.name_trial(argument)
        print(f"provbridge: trial {session.ensure_trial().trial_id} is named {argument!r}")
    else:
        raise _usage_error(TRIAL_USAGE)


def session_name(session: Any) -> str | None:
    """The name of the session's current trial, as stored."""
    writer = session.writer
    if writer is None:
        return None
    with writer.lock:
        row = writer.conn.execute("SELECT name FROM trials WHERE id = ?", (writer.trial_id,)).fetchone()
    return str(row[0]) if row and row[0] else None


def pb_report(line: str) -> None:
    """%pb_report: show the report of the current trial inline (provbridge.report); ``%pb_report TRIAL ...``
    of those trials of the session's store, compared; ``--all`` also lists what did not change. The report is
    read with recording paused, so its reading is not part of the trial."""
    session = active_session()
    if session is None or session.closed:
        raise _usage_error("provbridge is not loaded: %load_ext provbridge")
    words = line.split()
    refs = [w for w in words if w != "--all"]
    if any(w.startswith("-") for w in refs):
        raise _usage_error(REPORT_USAGE)
    from IPython.display import HTML, display

    from provbridge.errors import ProvbridgeError
    from provbridge.report import report
    from provbridge.store.db import DB_NAME
    from provbridge.store.store import open_store

    writer = session.ensure_trial()
    writer.flush()
    recorder = session.recorder
    recording = recorder is not None and recorder.enabled
    if recorder is not None:
        recorder.enabled = False
    try:
        with open_store(writer.store_dir / DB_NAME) as store:
            built = report(refs or [writer.trial_id], all="--all" in words, store=store)
    except ProvbridgeError as exc:
        raise _usage_error(str(exc)) from None
    finally:
        if recorder is not None:
            recorder.enabled = recording
    display(HTML(built.fragment()))


MAGICS = {"pb_stage": pb_stage, "pb_trial": pb_trial, "pb_report": pb_report}
