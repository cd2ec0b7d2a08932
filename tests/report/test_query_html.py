"""Query results in Jupyter: a raw SPARQL Result and a trial comparison render as HTML tables."""

from __future__ import annotations

import lxml.html

from tests.conftest import Project
from tests.report.conftest import only

PB = "https://w3id.org/provbridge/ns#"
NAMES = f"SELECT DISTINCT ?name WHERE {{ ?v a <{PB}VariableVersion>; <{PB}name> ?name }} ORDER BY ?name"


def test_query_results_render_as_html(project: Project) -> None:
    from provbridge.query import compare_trials

    project.capture("a = 2\nb = a * 3\n")
    project.capture("a = 5\nb = a * 3\nc = '<i>'\n")
    with project.store() as store:
        result = store.sparql(NAMES, trials=[1], raw=True)
        table = lxml.html.fragment_fromstring(result._repr_html_())
        assert table.tag == "table" and table.xpath(".//th/text()") == ["name"]
        assert table.xpath(".//tbody//td/text()") == ["a", "b"]
        asked = store.sparql(f"ASK {{ ?v <{PB}name> 'c' }}", trials=[2], raw=True)
        assert asked._repr_html_() == "<p>ASK: <strong>true</strong></p>"
        shown = compare_trials(1, 2, store=store)._repr_html_()
        page = lxml.html.fragment_fromstring(f"<div>{shown}</div>")
        assert page.xpath("./h4/text()") == ["variables", "only", "files", "operations"]
        assert "<i>" not in shown and page.xpath(".//i") == []
        only_rows = only(page.xpath("./h4[text()='only']/following-sibling::table[1]"))
        assert "c" in only_rows.xpath(".//td/text()")
