"""The comparison part of the report: column titles naming trials, and plots degrading to a note."""

from __future__ import annotations

import sys

import lxml.html
import pytest

from provbridge.report import report
from provbridge.report.compare import column_title
from tests.conftest import Project
from tests.report.conftest import only

SCRIPT = "import provbridge\nscore = provbridge.tag('score', {value}, 'metric')\n"


def test_column_titles_name_the_trials() -> None:
    assert [column_title(c, 3, 7) for c in ("a", "b", "sha256_a", "access_b", "type_a", "max_abs_diff", "delta")] == [
        "trial 3", "trial 7", "sha256 in trial 3", "access in trial 7", "type in trial 3", "max abs diff", "delta"]


def test_without_matplotlib_the_plots_are_a_note(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    project.capture(SCRIPT.format(value=0.5))
    project.capture(SCRIPT.format(value=0.75))
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now fails
    with project.store() as store:
        page = lxml.html.fragment_fromstring(report(store=store, diagrams=False).fragment())
    plots = only(page.xpath(".//section[@id='plots']"))
    assert plots.xpath(".//svg") == []
    assert only(plots.xpath("./p[@class='note']")).text_content() == (
        "score: no plot (plots of metrics in the report needs matplotlib: pip install 'provbridge[plot]')")
    metrics = only(page.xpath(".//section[@id='diff-1-2-metrics']/table"))
    assert metrics.xpath("./tbody/tr/*/text()") == ["score", "0.5", "0.75", "0.25", "changed"]
