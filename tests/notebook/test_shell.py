"""The extension inside an IPython InteractiveShell (no kernel): magics, API, display, nesting, unload."""

from __future__ import annotations

import builtins
import io
from collections.abc import Iterator
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

from provbridge.notebook.session import active_session
from tests.notebook.conftest import open_test_store

ORIGINAL_OPEN = builtins.open


@pytest.fixture
def shell(store_dir: Path) -> Iterator[InteractiveShell]:
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    InteractiveShell.clear_instance()
    sh = InteractiveShell.instance(config=config)
    try:
        yield sh
    finally:
        if active_session() is not None:
            sh.run_line_magic("unload_ext", "provbridge")
        InteractiveShell.clear_instance()
        assert builtins.open is ORIGINAL_OPEN


def run(sh: InteractiveShell, code: str, cell_id: str | None = None, **kw: Any) -> Any:
    out = io.StringIO()
    with redirect_stdout(out):
        result = sh.run_cell(code, store_history=True, cell_id=cell_id, **kw)
    result.stdout = out.getvalue()
    return result


def test_magics_api_and_trials(shell: InteractiveShell, store_dir: Path) -> None:
    run(shell, "%load_ext provbridge")
    assert run(shell, "x = 2", "a").success
    shown = run(shell, "%pb_stage training\ny = x * 3\ny", "b")
    assert shown.result == 6  # the last expression is still displayed
    run(shell, "import provbridge.notebook as pb\nlr = pb.tag('lr', 0.01, 'hyperparameter')\npb.tag_cell('model')",
        "c")
    run(shell, "score = pb.tag('score', lr * y, kind='metric')", "d")
    info = run(shell, "%pb_trial", "e").stdout
    run(shell, "%pb_trial name baseline", "f")
    run(shell, "pb.tag_trial('note', 'first try')", "g")
    assert "ends with this cell" in run(shell, "%pb_trial new tuned", "h").stdout
    run(shell, "w = score + 1", "i")
    with pytest.raises(ValueError):
        run(shell, "pb.tag('bad', 1, 'weird')", "j").raise_error()
    run(shell, "%unload_ext provbridge")
    run(shell, "after = 1", "k")  # not recorded any more
    with open_test_store(store_dir) as store:
        first, second = store.trials()
        assert info.strip().startswith(f"provbridge trial {first.id} ({first.uuid})")
        assert (first.name, second.name) == ("baseline", "tuned")
        assert first.status == second.status == "finished"
        assert [e.cell_id for e in first.executions(kind="cell")] == list("abcdefgh")
        assert [e.cell_id for e in second.executions(kind="cell")] == ["i", "j", None]  # None: %unload_ext
        assert {v.name for v in first.backward("score")} == {"x", "y", "lr", "pb"}
        tags = set(first.tags())
        assert {("cell", "b", "stage", "training"), ("cell", "c", "stage", "model"),
                ("variable", "lr", "hyperparameter", "0.01"), ("variable", "score", "metric", "0.06"),
                ("trial", first.uuid, "note", "first try")} <= tags
        assert not {v.name for v in second.versions()} & {"after"}


def test_usage_errors_without_and_with_extension(shell: InteractiveShell, store_dir: Path) -> None:
    run(shell, "%load_ext provbridge")
    assert not run(shell, "%pb_stage").success
    assert not run(shell, "%pb_trial bogus").success
    run(shell, "%unload_ext provbridge")
    assert not run(shell, "%pb_stage x").success  # not loaded any more


def test_display_modes_nesting_reset_and_magics(shell: InteractiveShell, store_dir: Path) -> None:
    run(shell, "%load_ext provbridge")
    assert run(shell, "a = 1\na + 41", "a").result == 42
    assert run(shell, "a + 1;", "q").result is None  # a trailing ; suppresses the display as usual
    shell.ast_node_interactivity = "last_expr_or_assign"
    assert run(shell, "b = a * 5", "b").result == 5
    shell.ast_node_interactivity = "last_expr"
    assert run(shell, "get_ipython().run_cell('nested = a + 1', store_history=True)\nc = a * 2", "c").success
    run(shell, "%time d = c + 1", "d")
    run(shell, "%reset -f", "r")
    assert run(shell, "e = 3\nf = e + 1", "e").success
    assert run(shell, "async def g():\n    return 7\nh = await g()", "h").success
    assert shell.user_ns["h"] == 7
    run(shell, "%unload_ext provbridge")
    with open_test_store(store_dir) as store:
        trial = store.trial("last")
        runs = trial.executions(kind="cell")
        assert [e.cell_id for e in runs] == ["a", "q", "b", "c", "d", "r", "e", "h", None]
        assert all(e.status == "ok" for e in runs)
        assert {v.name for v in trial.backward("c")} == {"a"}
        assert {v.name for v in trial.backward("f")} == {"e"}
        assert "nested" not in {v.name for v in trial.versions()}
        assert {v.name for v in trial.backward("h")} == {"g"}


def test_unload_outside_a_cell_finishes_the_trial(shell: InteractiveShell, store_dir: Path) -> None:
    shell.run_line_magic("load_ext", "provbridge")
    run(shell, "x = 1", "a")
    shell.run_line_magic("unload_ext", "provbridge")
    with open_test_store(store_dir) as store:
        assert store.trial("last").status == "finished"
