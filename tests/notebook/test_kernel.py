"""A real provbridge kernel driven like a front end: cell ids, out-of-order runs, errors, edits, tags."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.notebook.conftest import Kernel, open_test_store

pytestmark = pytest.mark.timeout(240)


def cells(trial: object) -> list[tuple[int | None, str | None, str | None]]:
    return [(e.exec_count, e.cell_id, e.status) for e in trial.executions(kind="cell")]  # type: ignore[attr-defined]


def test_out_of_order_cells_link_across_cells(kernel: Kernel, store_dir: Path) -> None:
    # notebook order: b (y = x * 3), a (x = 2), c (z = y + 1); run a, b, c, then an edited a, then c
    assert kernel.run("x = 2", "a").status == "ok"
    assert kernel.run("y = x * 3\ny", "b").text() == "6"
    reply = kernel.run("z = y + 1\nz", "c")
    assert reply.status == "ok" and reply.text() == "7"
    with open_test_store(store_dir) as store:  # readable while the kernel runs: each cell is flushed
        trial = store.trial("last")
        assert trial.kind == "notebook" and trial.status == "running"
        assert cells(trial) == [(1, "a", "ok"), (2, "b", "ok"), (3, "c", "ok")]
        assert {v.name for v in trial.backward("z")} == {"x", "y"}
        assert {v.name for v in trial.backward("y")} == {"x"}
        assert trial.backward("x") == []

    assert kernel.run("x = 5", "a").status == "ok"  # the edited cell a
    assert kernel.run("z = y + 1\nz", "c").text() == "7"  # y was not recomputed: z still comes from x = 2
    with open_test_store(store_dir) as store:
        trial = store.trial("last")
        runs = trial.executions(kind="cell")
        assert [(e.exec_count, e.cell_id) for e in runs] == [(1, "a"), (2, "b"), (3, "c"), (4, "a"), (5, "c")]
        assert runs[0].code_id != runs[3].code_id  # a new source version of cell a
        assert runs[2].code_id == runs[4].code_id  # the same source: one code component
        assert runs[3].code_id is not None and store.code(runs[3].code_id).source == "x = 5"
        back = trial.backward("z")
        assert {v.name for v in back} == {"x", "y"}
        assert [v.value for v in back if v.name == "x"] == [2]
        assert trial.latest("x").value == 5
    kernel.shutdown()
    with open_test_store(store_dir) as store:
        trial = store.trial("last")
        assert trial.status == "finished"
        assert len(store.trials()) == 1


def test_errors_silent_runs_and_metadata_tags(kernel: Kernel, store_dir: Path) -> None:
    assert kernel.run("a = 1", "c1", tags=["data", "stage:load"]).status == "ok"
    failed = kernel.run("b = a + 1\nc = b / 0\nd = 4", "c2")
    assert failed.status == "error"
    assert kernel.run("def broken(:", "c3").status == "error"  # fails before it runs
    assert kernel.run("hidden = a * 100", silent=True).status == "ok"
    assert kernel.run("hidden2 = a * 100", store_history=False).status == "ok"
    assert kernel.run("e = b * 10\nprint(e)", "c4", tags=["training"]).text() == "20\n"
    kernel.shutdown()
    with open_test_store(store_dir) as store:
        trial = store.trial("last")
        assert trial.status == "finished"  # cells that raise do not fail an interactive session
        assert cells(trial) == [(1, "c1", "ok"), (2, "c2", "error"), (3, "c3", "error"), (4, "c4", "ok")]
        names = {v.name for v in trial.versions(files=False)}
        assert {"a", "b", "e"} <= names
        assert not names & {"c", "d", "hidden", "hidden2"}
        assert {v.name for v in trial.backward("e")} == {"a", "b"}
        tags = set(trial.tags())
        assert {("cell", "c1", "data", ""), ("cell", "c1", "stage:load", ""), ("cell", "c4", "training", "")} <= tags
        runs = trial.executions(kind="cell")
        assert runs[2].code_id is not None and store.code(runs[2].code_id).source == "def broken(:"


def test_magics_and_api_in_a_kernel(kernel: Kernel, store_dir: Path) -> None:
    kernel.run("%pb_stage features", "s1")
    kernel.run("from provbridge.notebook import tag\nlr = tag('lr', 0.25, 'hyperparameter')", "s2")
    kernel.run("acc = tag('acc', lr * 2, 'metric')", "s3")
    shown = kernel.run("%pb_trial", "s4").text()
    kernel.run("%pb_trial name first-run", "s5")
    kernel.run("%pb_trial new second", "s6")
    kernel.run("q = acc + 1", "s7")
    kernel.shutdown()
    with open_test_store(store_dir) as store:
        first, second = store.trials()
        assert shown.startswith(f"provbridge trial {first.id} ({first.uuid})")
        assert first.name == "first-run" and second.name == "second"
        assert first.status == second.status == "finished"
        assert {("cell", "s1", "stage", "features"), ("variable", "lr", "hyperparameter", "0.25"),
                ("variable", "acc", "metric", "0.5")} <= set(first.tags())
        assert first.latest("acc").value == 0.5
        assert [e.cell_id for e in second.executions(kind="cell")] == ["s7"]
        assert second.backward("q") == []  # acc was bound in the previous trial
