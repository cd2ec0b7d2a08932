"""Shared scripts and checks of the query tests: captured trials, labels, and the rdflib cross-check."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import rdflib

from provbridge.export import export_bytes
from provbridge.query.engine import dataset
from provbridge.query.terms import literal_value
from provbridge.store.store import Trial

# Dataflow with a user function (level 1 captures its inside), a file read, a file rewritten, a mutation
# and a re-binding after use.
DATAFLOW = """
def scale(v, k):
    t = v * k
    return t + 1

a = 2
b = 3
with open("in.txt") as f:
    data = f.read()
c = scale(a, b)
d = [a]
d.append(c)
with open("out.txt", "w") as f:
    f.write(str(d) + data)
e = len(d)
a = 10
print(e)
"""

EXPERIMENT = """
import json
rate = 0.5
with open("data.txt") as f:
    raw = f.read()
n = len(raw)
scaled = n * rate
label = "run"
result = {"scaled": scaled, "label": label}
with open("out.json", "w") as f:
    json.dump(result, f)
"""
# The second run: another constant, and `label = "run"` moved up two statements.
EXPERIMENT_2 = EXPERIMENT.replace("rate = 0.5", "rate = 0.25").replace(
    'n = len(raw)\nscaled = n * rate\nlabel = "run"\n', 'label = "run"\nn = len(raw)\nscaled = n * rate\n')


def capture_dataflow(project: Any, granularity: str = "1") -> Trial:
    project.write("in.txt", "hello\n")
    project.write("out.txt", "old\n")
    return project.capture(DATAFLOW, "--granularity", granularity)


def labels(trial: Trial, numbers: Iterable[int]) -> list[str]:
    """``name#k`` (the k-th version of that name in the trial) of each version, in version order: exact
    about which version without depending on how the recorder numbers them."""
    ordinal: dict[int, str] = {}
    seen: dict[str, int] = {}
    for version in trial.versions():
        seen[version.name] = seen.get(version.name, 0) + 1
        ordinal[version.id] = f"{version.name}#{seen[version.name]}"
    return [ordinal[n] for n in sorted(numbers)]


def _value(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, rdflib.Literal):
        datatype = str(term.datatype) if term.datatype else None
        return literal_value(str(term), datatype, term.language)
    return str(term)


def _key(row: Sequence[Any]) -> tuple[str, ...]:
    return tuple(repr(v) for v in row)


def rdflib_rows(trials: list[Trial], query: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Columns and rows (sorted) of ``query`` run by rdflib's own engine on the trials' TriG export."""
    data = rdflib.Dataset()
    data.parse(data=export_bytes(trials, "trig"), format="trig")
    result = data.query(query)
    columns = [str(v) for v in result.vars or []]
    rows = [tuple(_value(row[i]) for i in range(len(columns))) for row in result]  # type: ignore[index, arg-type]
    return columns, sorted(rows, key=_key)


def oxigraph_rows(trials: list[Trial], query: str, engine: str = "index") -> tuple[list[str], list[tuple[Any, ...]]]:
    """Columns and rows (sorted) of ``query`` on the embedded engine over the same trials."""
    with dataset(trials[0].store, trials, engine=engine) as data:
        result = data.query(query)
    return result.columns, sorted(result.rows(), key=_key)


def assert_same_rows(trials: list[Trial], query: str) -> list[tuple[Any, ...]]:
    """The embedded engine and rdflib give the same rows; returns them."""
    ours = oxigraph_rows(trials, query)
    theirs = rdflib_rows(trials, query)
    assert ours[0] == theirs[0]
    assert ours[1] == theirs[1]
    return ours[1]
