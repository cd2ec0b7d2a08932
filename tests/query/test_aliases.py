"""The noWorkflow-style names: inside a recorded run they answer about the trial being recorded, with fresh
results on every call; afterwards about the last trial."""

from __future__ import annotations

import pandas as pd
import pytest

import provbridge
from provbridge.query import backward_deps, global_backward_deps

SCRIPT = """
import provbridge

def double(v):
    w = v * 2
    return w

x = 1
y = double(x)
print(sorted(set(provbridge.backward_deps("y", 0)["name"])))
x = 5
y = y + x
print(sorted(set(provbridge.backward_deps("y", glanularity_level=False)["name"])))
print(sorted(set(provbridge.backward_deps("y")["name"])))
print(sorted(set(provbridge.global_backward_deps("y", glanularity_level=1)["name"])))
"""


def test_aliases_in_a_running_trial(project) -> None:  # type: ignore[no-untyped-def]
    project.write("script.py", SCRIPT)
    out = project.run("run", "-q", "--granularity", "1", "script.py").stdout.splitlines()
    # the default is the trial's own granularity (1 here), as for every query
    assert out == ["['double', 'x']", "['double', 'x', 'y']", "['double', 'return', 'v', 'w', 'x', 'y']",
                   "['double', 'return', 'v', 'w', 'x']"]


def test_aliases_after_the_run(project) -> None:  # type: ignore[no-untyped-def]
    project.write("script.py", SCRIPT)
    project.run("run", "-q", "--granularity", "1", "script.py")
    store = project.root / ".provbridge"
    frame = backward_deps("y", 1, store=store)
    assert isinstance(frame, pd.DataFrame)
    assert set(frame["name"]) == {"double", "x", "y", "v", "w", "return"}
    assert set(backward_deps("y", glanularity_level=0, store=store)["name"]) == {"double", "x", "y"}
    assert set(global_backward_deps("y", 0, store=store)["name"]) == {"double", "x"}
    assert set(global_backward_deps("y", store=store)["name"]) == {"double", "x", "v", "w", "return"}
    assert provbridge.backward_deps is backward_deps and provbridge.backwards_deps is backward_deps
    with pytest.raises(TypeError):
        backward_deps("y", 1, glanularity_level=0, store=store)
