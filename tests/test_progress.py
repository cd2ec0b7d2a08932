"""The terminal progress bar: silent off a terminal, one redrawn line on one."""

from __future__ import annotations

import io

import pytest

from provbridge import progress
from provbridge.progress import Progress


def test_silent_when_not_a_terminal() -> None:
    out = io.StringIO()
    with Progress("loading", total=10, stream=out) as bar:
        bar.advance(10)
    assert out.getvalue() == "" and bar.done == 10


def test_draws_and_clears_when_forced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "INTERVAL", 0.0)
    out = io.StringIO()
    with Progress("pushing", total=3 << 20, unit="B", stream=out, force=True) as bar:
        bar.advance(1 << 20)
    text = out.getvalue()
    assert text.startswith("\rpushing  33% 1.0 MB/3.0 MB ") and text.endswith("\r\x1b[K")
    assert Progress("n", force=True, stream=io.StringIO()).text().startswith("n 0 ")
