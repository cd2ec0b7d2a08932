"""Version details for a closure that covers most of a trial are scanned once per finished trial and
content, and scanned again when the trial's content changes (issue 18: the scan was a third of `deps` at a
million records)."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from provbridge.query import details
from tests.conftest import Project

SCRIPT = "".join(f"x{n} = {n}\n" for n in range(30)) + "y = x0 + x1\n"


def _scans(conn: sqlite3.Connection, run: Any) -> tuple[Any, int]:
    """``run()`` and how many whole-trial scans it made on ``conn``."""
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    try:
        result = run()
    finally:
        conn.set_trace_callback(None)
    return result, sum(1 for text in seen if text.startswith("SELECT v.id") and " IN (" not in text)


def test_a_finished_trial_is_scanned_once_per_content(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    trial = project.capture(SCRIPT)
    numbers = [v.id for v in trial.versions()]
    assert len(numbers) == 31
    expected = details.version_details(trial, numbers)  # few versions: looked up by number
    assert expected[numbers[-1]][:5] == ("y", "<module>", "assign", "int", 1)
    monkeypatch.setattr(details, "CHUNK", 1)  # 31 > 20 * CHUNK: "most of the trial", scanned whole
    monkeypatch.setattr(details, "_KEPT", type(details._KEPT)())
    first, scans = _scans(trial.conn, lambda: details.version_details(trial, numbers))
    assert (first, scans) == (expected, 1)
    again, scans = _scans(trial.conn, lambda: details.version_details(trial, numbers[::-1]))
    assert (again, scans) == (expected, 0)
    some, scans = _scans(trial.conn, lambda: details.version_details(trial, numbers[:25]))
    assert (some, scans) == ({n: expected[n] for n in numbers[:25]}, 0)
    with trial.conn:  # a tag on a variable changes the trial's content signature: scanned again
        trial.conn.execute("INSERT INTO tags (trial_id, subject_kind, subject, name, value) "
                           "VALUES (?, 'variable', 'y', 'metric', '')", (trial.id,))
    after, scans = _scans(trial.conn, lambda: details.version_details(trial, numbers))
    assert (after, scans) == (expected, 1)


def test_only_the_last_trials_are_kept(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    trials = [project.capture(SCRIPT) for _ in range(details.KEPT + 1)]
    monkeypatch.setattr(details, "CHUNK", 1)
    monkeypatch.setattr(details, "_KEPT", type(details._KEPT)())
    for trial in trials:
        details.version_details(trial, [v.id for v in trial.versions()])
    assert [uuid for _, uuid in details._KEPT] == [t.uuid for t in trials[1:]]


def test_columns_hold_the_details(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    trial = project.capture(SCRIPT + "z = 'text'\n")
    numbers = [v.id for v in trial.versions()]
    expected = details.version_details(trial, numbers)
    few, few_columns = details.version_columns(trial, [*numbers, 10**6, 2**70])  # looked up: lists
    assert list(few) == numbers and all(isinstance(column, list) for column in few_columns)
    monkeypatch.setattr(details, "CHUNK", 1)  # "most of the trial": taken from the kept table by position
    monkeypatch.setattr(details, "_KEPT", type(details._KEPT)())
    for wanted in (numbers, [*numbers[1:], -1, 0, 10**6, 2**70]):
        found, columns = details.version_columns(trial, wanted)
        kept = sorted(n for n in wanted if n in expected)
        assert list(found) == kept
        assert [list(column) for column in columns] == [list(c) for c in zip(*(expected[n] for n in kept))]
        by_name = dict(zip(details.FIELDS, columns))
        for field in ("line", "execution", "parent"):  # integers for every version: int64 arrays
            assert isinstance(by_name[field], np.ndarray) and by_name[field].dtype == np.int64, field
        assert isinstance(by_name["value"], list)  # text among the values
