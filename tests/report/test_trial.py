"""One trial's part of the report: final variables when no metric is tagged, large trials summarised, imported
PROV documents, and Trial/TrialDiff/Diagram in Jupyter."""

from __future__ import annotations

import lxml.html
import pytest

from provbridge.manage.diff import diff
from provbridge.report.figures import SUMMARISED
from provbridge.report.trial import final_variables
from tests.conftest import Project
from tests.report.conftest import headers, only, rows

pytestmark = pytest.mark.graphviz

PLAIN = """
import json
a = 2
b = a * 3
c = [b, a]
d = len(c)
unused = "<u>x</u>"
def f():
    return 1
print(d)
"""


def test_without_metrics_the_final_variables_are_drawn(project: Project) -> None:
    trial = project.capture(PLAIN)
    assert final_variables(trial) == ["d", "unused"]  # json (a module) and f (a function) are left out
    project.run("report", "-o", "one.html")
    page = lxml.html.parse(str(project.root / "one.html")).getroot()
    assert page.xpath("//section[@id='differences']|//section[@id='plots']") == []
    section = only(page.xpath("//section[@id='trial-1-backward']"))
    assert only(section.xpath("./h3")).text_content() == "Backward dependencies of the final variables"
    labels = [svg.get("aria-label") for svg in section.xpath(".//svg")]
    assert [label.split(" (")[0] for label in labels] == [
        "backward dependencies of final variable d in trial 1",
        "backward dependencies of final variable unused in trial 1"]
    texts = {t.text_content() for t in section.xpath(".//svg[1]//text")}
    assert {"d = 2", "c = list len=2 [6, 2]", "b = 6", "a = 2", "L5: d = len(c)"} <= texts
    assert "No variable is tagged as a metric" in section.text_content()


def test_a_large_trial_is_summarised_and_the_report_says_so(project: Project) -> None:
    source = "v0 = 0\n" + "".join(f"v{i} = v{i - 1} + 1\n" for i in range(1, 200))
    project.capture(source, name="big.py")
    project.run("report", "--no-diagrams", "-o", "plain.html")
    plain = lxml.html.parse(str(project.root / "plain.html")).getroot()
    assert plain.xpath("//svg") == [] and plain.xpath("//section[@id='trial-1-backward']") == []
    project.run("report", "-o", "big.html")
    page = lxml.html.parse(str(project.root / "big.html")).getroot()
    flow = only(page.xpath("//section[@id='trial-1-dataflow']"))
    assert [p.text_content() for p in flow.xpath("./p[@class='note']")] == [SUMMARISED]
    assert "as `provbridge dot` does" in SUMMARISED
    assert only(flow.xpath(".//figcaption")).text_content() == "top-level dataflow of trial 1 (200 nodes, 199 edges)"
    texts = {t.text_content() for t in flow.xpath(".//svg//text")}
    assert {"v0", "= 0", "v199", "= 199"} <= texts  # one node per variable with its last value
    assert only(flow.xpath(".//details/summary")).text_content() == "200 top-level versions"


def test_an_imported_prov_document_is_reported_and_compared_record_by_record(project: Project) -> None:
    project.capture(PLAIN)
    project.run("export", "1", "-o", "t1.json")
    project.run("import", "t1.json")
    project.run("report", "-o", "mixed.html")
    page = lxml.html.parse(str(project.root / "mixed.html")).getroot()
    assert only(page.xpath("//section[@id='trial-2']/h2")).text_content() == "Trial 2: t1"
    assert only(page.xpath("//section[@id='trial-2-dataflow']//svg")).get("role") == "img"
    compared = only(page.xpath("//section[@id='diff-1-2']"))
    assert "trial 2 (t1)" in compared.text_content()
    # compared record by record (the TrialDiff's records section): our own export, imported, holds the
    # same PROV records as the captured trial
    assert "no differences" in compared.text_content() and not compared.xpath(".//table|.//pre")


def test_bad_requests_are_one_line_errors(project: Project) -> None:
    project.write("x.py", "x = 1\n")
    empty = project.run("report", "-o", "r.html", check=False)
    assert empty.returncode != 0 and empty.stderr.count("\n") == 1
    project.run("run", "-q", "x.py")
    unknown = project.run("report", "7", check=False)
    assert (unknown.returncode, unknown.stderr) == (2, "provbridge: error: no trial '7' (give a number, `last`, "
                                                       "a name or an id prefix)\n")
    nowhere = project.run("report", "-o", "missing/r.html", check=False)
    assert nowhere.returncode == 1 and nowhere.stderr.startswith("provbridge: error: missing/r.html: ")
    assert not (project.root / "report.html").exists()
    stdout = project.run("report", "-o", "-")
    assert stdout.stdout.startswith("<!DOCTYPE html>") and stdout.stdout.endswith("</html>\n")
    written = project.run("report")
    assert written.stdout == "wrote report.html (1 trial)\n" and (project.root / "report.html").is_file()


def test_trial_trialdiff_and_diagram_render_in_jupyter(project: Project) -> None:
    project.capture(PLAIN)
    project.capture(PLAIN.replace("a = 2", "a = 5"))
    with project.store() as store:
        first = store.trial(1)
        shown = lxml.html.fragment_fromstring(first._repr_html_())
        assert shown.get("class") == "pb-report"
        assert only(shown.xpath("./section/h3")).text_content() == "Trial 1: script.py"
        assert len(shown.xpath(".//svg[@role='img']")) == 3  # dataflow, d, unused
        assert shown.xpath(".//u") == [] and "unused = '<u>x</u>'" in shown.text_content()
        found = diff(1, 2, store=store)
        table = lxml.html.fragment_fromstring(f"<div>{found._repr_html_()}</div>")
        assert only(table.xpath("./h4")).text_content() == "trial 1 (script.py) → trial 2 (script.py)"
        variables = only(table.xpath("./table[caption='variables']"))
        assert headers(variables) == ["name", "a", "b", "status", "detail"]
        assert rows(variables)[0] == ["a", "2", "5", "different", "2 → 5"]
        assert variables.xpath("./tbody/tr/th/@scope") == ["row"] * len(rows(variables))
        assert [r[0] for r in rows(variables)] == ["a", "b", "c"]  # unchanged ones left out (d is 2 in both)
        code, order = (pre.text_content() for pre in table.xpath("./pre"))
        assert "-a = 2\n+a = 5" in code and order.startswith("--- trial 1\n+++ trial 2\n")
        svg = first.graph("d", 0)._repr_svg_()
        assert svg.startswith("<svg") and ">d = 2<" in svg
