"""Rich display in a real provbridge kernel: ``display(trial)`` and ``%pb_report`` give HTML outputs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from tests.notebook.conftest import TIMEOUT, Kernel, open_test_store
from tests.report.conftest import only, rows

pytestmark = [pytest.mark.slow, pytest.mark.graphviz, pytest.mark.timeout(300)]


def html_output(outputs: list[dict[str, Any]]) -> lxml.html.HtmlElement:
    """The one display output's ``text/html``, parsed."""
    shown = [out for out in outputs if "data" in out and "text/html" in out["data"]]
    assert len(shown) == 1, outputs
    return lxml.html.fragment_fromstring(shown[0]["data"]["text/html"])


def test_display_trial_and_pb_report_show_html(kernel: Kernel, store_dir: Path) -> None:
    assert kernel.run("x = 2", "a").status == "ok"
    assert kernel.run("y = x * 3", "b").status == "ok"
    reply = kernel.run("import provbridge\nfrom IPython.display import display\n"
                       "display(provbridge.open_store().trial('last'))", "c")
    assert reply.status == "ok", reply.outputs
    shown = html_output(reply.outputs)
    assert shown.get("class") == "pb-report" and shown.xpath("./style")
    section = only(shown.xpath("./section[@id='trial-1']"))
    assert only(section.xpath("./h3")).text_content().startswith("Trial 1: ")
    listing = rows(only(section.xpath(".//section[@id='trial-1-dataflow']//details/table")))
    assert [r[0] for r in listing] == ["x@4", "y@7"] and [r[3] for r in listing] == ["2", "6"]
    assert listing[1][4] == "x@4"  # y was derived from x
    deps = only(section.xpath(".//section[@id='trial-1-backward']//svg"))
    assert deps.get("aria-label").startswith("backward dependencies of final variable y in trial 1")
    assert {"y = 6", "x = 2"} <= {t.text_content() for t in deps.xpath(".//text")}

    reply = kernel.run("%pb_report", "d")
    assert reply.status == "ok", reply.outputs
    report = html_output(reply.outputs)
    table = only(report.xpath(".//section[@id='trials']/table"))
    assert [r[3] for r in rows(table)] == ["running"]
    assert "A running trial is shown as recorded so far." in table.getparent().text_content()
    assert report.xpath(".//section[@id='trial-1']") and not report.xpath(".//section[@id='differences']")
    assert kernel.run("%pb_report --bogus", "e").status == "error"
    kernel.shutdown()
    with open_test_store(store_dir) as store:
        trial = store.trial("last")
        assert trial.file_accesses() == []  # the reports were read with recording paused
        assert {v.name for v in trial.versions(files=False)} >= {"x", "y"}


def test_an_executed_notebook_keeps_the_html_of_display_trial(tmp_path: Path, store_dir: Path) -> None:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook()
    nb.cells = [new_code_cell("from provbridge.notebook import tag\nscore = tag('score', 0.75, 'metric')"),
                new_code_cell("import provbridge\nfrom IPython.display import display\n"
                              "display(provbridge.open_store().trial('last'))"),
                new_code_cell("%pb_report")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(tmp_path / "exp.ipynb"))
    done = subprocess.run([sys.executable, "-m", "provbridge", "run", "exp.ipynb", "--output", "out.ipynb"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    executed = nbformat.read(str(tmp_path / "out.ipynb"), as_version=4)
    shown = html_output(executed.cells[1].outputs)
    section = only(shown.xpath("./section[@id='trial-1']"))
    assert rows(only(section.xpath(".//section[@id='trial-1-values']/table"))) == [["score", "metric", "0.75"]]
    deps = only(section.xpath(".//section[@id='trial-1-backward']//svg"))
    assert deps.get("aria-label").startswith("backward dependencies of metric score in trial 1")
    report = html_output(executed.cells[2].outputs)
    table = only(report.xpath(".//section[@id='trials']/table"))
    assert [(r[0], r[3], r[-1]) for r in rows(table)] == [("1", "running", "0.75")]
