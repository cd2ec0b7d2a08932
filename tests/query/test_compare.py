"""Trial comparison of two runs of a script differing in one constant and one moved statement: exact rows,
and every comparison query gives the same rows on rdflib's engine."""

from __future__ import annotations

import hashlib

import pyoxigraph as ox
import pytest

from provbridge.query import canned, compare_trials, tagged_values, values_across
from provbridge.query.loading import graph_iri
from tests.query.helpers import EXPERIMENT, EXPERIMENT_2, assert_same_rows


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from tests.conftest import Project

    project = Project(tmp_path_factory.mktemp("compare"))
    project.write("data.txt", "abc\n")
    first = project.capture(EXPERIMENT)
    second = project.capture(EXPERIMENT_2)
    first = project.store().trial(first.id)
    return project, first, second


def test_variables_side_by_side(runs) -> None:  # type: ignore[no-untyped-def]
    _, first, second = runs
    frame = compare_trials(first, second).variables
    table = {row.name: (row.value_a, row.value_b, row.differs) for row in frame.itertuples()}
    assert set(table) == {"json", "rate", "f", "raw", "n", "scaled", "label", "result"}
    assert table["rate"] == (0.5, 0.25, True)
    assert table["scaled"] == (2.0, 1.0, True)
    assert table["n"] == (4, 4, False) and table["label"] == ("run", "run", False)
    assert table["raw"] == ("abc\n", "abc\n", False)
    assert table["result"][2] is True
    assert [name for name, (_, _, differs) in table.items() if differs] == ["rate", "result", "scaled"]


def test_only_in_one_files_and_operations(runs) -> None:  # type: ignore[no-untyped-def]
    project, first, second = runs
    comparison = compare_trials(first, second)
    assert comparison.only.empty
    written = hashlib.sha256((project.root / "out.json").read_bytes()).hexdigest()
    first_output = hashlib.sha256(b'{"scaled": 2.0, "label": "run"}').hexdigest()
    # The second run truncated the first run's output with mode "w" without reading it (issue 15): each
    # trial wrote its own content, so each content is in one trial only.
    assert sorted(tuple(r) for r in comparison.files[["side", "path", "sha256"]].itertuples(index=False)) == [
        ("a", str(project.root / "out.json"), first_output), ("b", str(project.root / "out.json"), written)]
    steps = [tuple(r) for r in comparison.operations[["side", "line", "previous", "operation"]].itertuples(
        index=False)]
    assert steps == [
        ("a", 2, "import json", "rate = 0.5"),
        ("a", 3, "rate = 0.5", 'with open("data.txt") as f: …'),
        ("a", 5, "raw = f.read()", "n = len(raw)"),
        ("a", 7, "scaled = n * rate", 'label = "run"'),
        ("a", 8, 'label = "run"', 'result = {"scaled": scaled, "label": label}'),
        ("b", 2, "import json", "rate = 0.25"),
        ("b", 3, "rate = 0.25", 'with open("data.txt") as f: …'),
        ("b", 5, "raw = f.read()", 'label = "run"'),
        ("b", 6, 'label = "run"', "n = len(raw)"),
        ("b", 8, "scaled = n * rate", 'result = {"scaled": scaled, "label": label}'),
    ]


def test_comparison_queries_agree_with_rdflib(runs) -> None:  # type: ignore[no-untyped-def]
    _, first, second = runs
    params = {"g1": ox.NamedNode(graph_iri(first)), "g2": ox.NamedNode(graph_iri(second))}
    counts = {}
    for name in ("compare_variables", "compare_only", "compare_files", "compare_operations"):
        counts[name] = len(assert_same_rows([first, second], canned(name).bind(params)))
    assert counts == {"compare_variables": 8, "compare_only": 0, "compare_files": 2, "compare_operations": 10}
    swapped = {"g1": params["g2"], "g2": params["g1"]}
    assert len(assert_same_rows([first, second], canned("compare_only").bind(swapped))) == 0


def test_values_across_trials(runs) -> None:  # type: ignore[no-untyped-def]
    _, first, second = runs
    frame = values_across("rate", store=first.store)
    assert list(frame["trial"]) == [first.id, second.id]
    assert list(frame["value"]) == [0.5, 0.25]
    assert_same_rows([first, second], canned("values").bind({"var": "scaled"}))
    assert tagged_values("metric", store=first.store).empty


def test_tagged_values(project) -> None:  # type: ignore[no-untyped-def]
    for lr in (0.1, 0.01):
        project.capture(f"import provbridge\nlr = provbridge.tag('lr', {lr}, 'hyperparameter')\nacc = 1 - lr\n"
                        "provbridge.tag('acc', acc, 'metric')\n")
    store = project.store()
    frame = tagged_values("metric", store=store)
    assert list(frame["name"]) == ["acc", "acc"] and list(frame["trial"]) == [1, 2]
    assert list(frame["value"]) == [0.9, 0.99]
    assert list(tagged_values("hyperparameter", store=store)["value"]) == [0.1, 0.01]
    assert_same_rows(store.trials(), canned("tagged_values").bind({"tag": "metric"}))


LOOP = "total = 0\nfor i in range({n}):\n    total += i\n    last = i\nprint(total)\n"
STEPS = """PREFIX pb: <https://w3id.org/provbridge/ns#>
SELECT ?previous ?operation ?line ?count WHERE { GRAPH ?g {
  ?step a pb:OperationStep ; pb:operation ?operation ; pb:count ?count .
  OPTIONAL { ?step pb:previousOperation ?previous } OPTIONAL { ?step pb:operationLine ?line } } }"""


def test_operation_steps_of_loops(project) -> None:  # type: ignore[no-untyped-def]
    """Each trial's graph holds its distinct steps with their counts: a loop of 3 and a loop of 5
    iterations (whose body lost a statement) differ in exactly the steps that changed."""
    first = project.capture(LOOP.format(n=3))
    second = project.capture(LOOP.format(n=5).replace("    last = i\n", ""))
    first = project.store().trial(first.id)
    loop3, loop5 = "for i in range(3): …", "for i in range(5): …"
    assert assert_same_rows([first], STEPS) == sorted([
        (None, "total = 0", 1, 1), ("total = 0", loop3, 2, 1), (loop3, "total += i", 3, 3),
        ("total += i", "last = i", 4, 3), ("last = i", loop3, 2, 2), ("last = i", "print(total)", 5, 1),
    ], key=lambda row: tuple(repr(v) for v in row))
    assert len(assert_same_rows([second], STEPS)) == 5
    steps = compare_trials(first, second).operations
    assert sorted(tuple(r) for r in steps[["side", "line", "previous", "operation"]].itertuples(index=False)) == [
        ("a", 2, "last = i", loop3), ("a", 2, "total = 0", loop3), ("a", 3, loop3, "total += i"),
        ("a", 4, "total += i", "last = i"), ("a", 5, "last = i", "print(total)"),
        ("b", 2, "total += i", loop5), ("b", 2, "total = 0", loop5), ("b", 3, loop5, "total += i"),
        ("b", 4, "total += i", "print(total)"),
    ]
    params = {"g1": ox.NamedNode(graph_iri(first)), "g2": ox.NamedNode(graph_iri(second))}
    assert len(assert_same_rows([first, second], canned("compare_operations").bind(params))) == 9
