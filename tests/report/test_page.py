"""The HTML report of the three-trial fixture, read back with lxml: exact tables, headings, diagrams, plots."""

from __future__ import annotations

import hashlib
from collections import Counter
from itertools import pairwise

import pytest

from tests.report.conftest import LABEL, Reported, headers, only, rows

pytestmark = pytest.mark.graphviz

ARGV = ["['train.py', '--alpha', '0.1']", "['train.py', '--alpha', '0.5']", "['train.py', '--alpha', '1.0']"]


def test_trials_table_has_parameters_metrics_tags_status_and_duration(reported: Reported) -> None:
    table = only(reported.page().xpath("//section[@id='trials']/table"))
    assert headers(table) == ["#", "name", "script", "status", "started (UTC)", "duration (s)", "params.alpha",
                              "params.argv", "metrics.loss", "tags.owner"]
    found = rows(table)
    assert [r[:4] + r[6:] for r in found] == [
        ["1", "", "train.py", "finished", "0.1", ARGV[0], "9.0", "<i>team</i>"],
        ["2", "", "train.py", "finished", "0.5", ARGV[1], "5.0", "<i>team</i>"],
        ["3", "", "train.py", "finished", "1.0", ARGV[2], "0.0", "<i>team</i>"],
    ]
    assert all(float(r[5]) >= 0 for r in found)
    assert all(len(r[4]) == 19 and r[4][4] == "-" for r in found)  # YYYY-MM-DD HH:MM:SS


def test_differences_are_diff_only_by_default(reported: Reported) -> None:
    page = reported.page()
    assert [s.get("id") for s in page.xpath("//section[@id='differences']/section")] == ["diff-1-2", "diff-2-3"]
    diff = only(page.xpath("//section[@id='diff-2-3']"))
    assert only(diff.xpath("./h3")).text_content() == "Trial 2 (train.py) → trial 3 (train.py)"
    assert [s.get("id") for s in diff.xpath("./section")] == [
        "diff-2-3-parameters", "diff-2-3-metrics", "diff-2-3-variables", "diff-2-3-files"]
    parameters = only(diff.xpath("./section[@id='diff-2-3-parameters']/table"))
    assert headers(parameters) == ["name", "trial 2", "trial 3", "status"]
    assert rows(parameters) == [["alpha", "0.5", "1.0", "changed"], ["argv", ARGV[1], ARGV[2], "changed"]]
    metrics = only(diff.xpath("./section[@id='diff-2-3-metrics']/table"))
    assert headers(metrics) == ["name", "trial 2", "trial 3", "delta", "status"]
    assert rows(metrics) == [["loss", "5.0", "0.0", "-5.0", "changed"]]
    variables = only(diff.xpath("./section[@id='diff-2-3-variables']/table"))
    assert headers(variables) == ["name", "trial 2", "trial 3", "status", "detail"]
    assert [r[0] for r in rows(variables)] == ["alpha", "args", "loss", "parser", "scaled", "total"]
    assert rows(variables)[-1] == ["total", "5.0", "10.0", "different", "5.0 → 10.0"]
    files = only(diff.xpath("./section[@id='diff-2-3-files']/table"))
    assert headers(files) == ["path", "access in trial 2", "access in trial 3", "sha256 in trial 2",
                              "sha256 in trial 3", "status"]
    assert [(r[0], r[1], r[2], r[5]) for r in rows(files)] == [("out.json", "write", "write", "changed")]
    classes = [tr.get("class") for tr in parameters.xpath("./tbody/tr")]
    assert classes == ["status-changed", "status-changed"]


def test_all_keeps_unchanged_rows(reported: Reported) -> None:
    page = reported.page(reported.all_path)
    assert page.xpath("//section[@id='diff-2-3']") == []
    variables = rows(only(page.xpath("//section[@id='diff-1-2-variables']/table")))
    assert ["label", LABEL, LABEL, "equal", ""] in variables
    files = rows(only(page.xpath("//section[@id='diff-1-2-files']/table")))
    assert [(r[0], r[1], r[2], r[5]) for r in files] == [("data.txt", "read", "read", "same"),
                                                         ("out.json", "write", "write", "changed")]
    assert only(page.xpath("//section[@id='trials']/table")).xpath("./tbody/tr/th/text()") == ["1", "2"]


def test_backward_dependencies_of_the_metric_as_an_accessible_inline_svg(reported: Reported) -> None:
    section = only(reported.page().xpath("//section[@id='trial-1-backward']"))
    assert only(section.xpath("./h3")).text_content() == "Backward dependencies of the metrics"
    svg = only(section.xpath(".//figure//svg"))
    label = "backward dependencies of metric loss in trial 1 (23 nodes, 35 edges)"
    assert svg.get("role") == "img" and svg.get("aria-label") == label
    assert svg.xpath("./title")[0].text_content() == label
    assert only(section.xpath(".//figcaption")).text_content() == label
    texts = {t.text_content() for t in svg.xpath(".//text")}
    assert {"loss = 9.0", "[metric=9.0]", "total = 1.0", "alpha = 0.1", "[hyperparameter=0.1]",
            "L14: total = sum(scaled)", "L13: scaled = [x * alpha for x in rows]", "data.txt"} <= texts
    assert not any(t.startswith("label") for t in texts)  # not a dependency of loss


def test_each_trial_has_environment_files_and_dataflow(reported: Reported) -> None:
    page = reported.page()
    trial = only(page.xpath("//section[@id='trial-3']"))
    assert only(trial.xpath("./h2")).text_content() == "Trial 3: train.py"
    assert [s.get("id") for s in trial.xpath("./section")] == [
        "trial-3-values", "trial-3-environment", "trial-3-files", "trial-3-dataflow", "trial-3-backward"]
    assert rows(only(trial.xpath("./section[@id='trial-3-values']/table"))) == [
        ["alpha", "parameter", "1.0"], ["argv", "parameter", ARGV[2]], ["loss", "metric", "0.0"],
        ["owner", "tag", "<i>team</i>"]]
    files = only(trial.xpath("./section[@id='trial-3-files']/table"))
    assert headers(files) == ["path", "mode", "sha256 before", "sha256 after", "bytes before", "bytes after"]
    data_hash = "16fbd7d1f18d2fedb247d73edc3bc6aa040f5ab99bd3b48c35b79e543d22179b"  # sha256 of "1\n2\n3\n4\n"
    found = rows(files)
    assert found[0] == ["data.txt", "r", data_hash, "", "8", ""]
    before, after = (hashlib.sha256(text).hexdigest() for text in (b'{"loss": 5.0}', b'{"loss": 0.0}'))
    assert found[1] == ["out.json", "w", before, after, "13", "13"]  # trial 2's output, then this one's
    environment = only(trial.xpath("./section[@id='trial-3-environment']"))
    terms = environment.xpath("./dl/dt/text()")
    assert "python version" in terms and "os system" in terms
    assert environment.xpath(".//details/summary[contains(., 'installed packages')]")
    flow = only(trial.xpath("./section[@id='trial-3-dataflow']"))
    svg = only(flow.xpath(".//svg"))
    assert svg.get("aria-label").startswith("top-level dataflow of trial 3 (")
    listing = rows(only(flow.xpath(".//details/table")))
    assert ["total@27", "assign", "float", "10.0", "scaled@25"] in listing
    assert ["data.txt@19", "file", "file", "data.txt", ""] in listing  # paths relative to the trial's directory
    assert ["f@21", "with", "_io.TextIOWrapper", "<file 'data.txt' mode='r'>", "data.txt@19"] in listing


def test_values_from_programs_are_escaped(reported: Reported) -> None:
    text = reported.path.read_text(encoding="utf-8")
    page = reported.page()
    assert page.xpath("//script") == [] and page.xpath("//b") == [] and page.xpath("//i") == []
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in text
    listing = rows(only(page.xpath("//section[@id='trial-1-dataflow']//details/table")))
    assert [r[3] for r in listing if r[0].startswith("label@")] == [f'"{LABEL}"']


def test_metric_plot_is_inline_svg_with_its_values_in_words(reported: Reported) -> None:
    plots = only(reported.page().xpath("//section[@id='plots']"))
    svg = only(plots.xpath(".//figure//svg"))
    assert svg.get("aria-label") == "loss across trials (trial 1: 9.0; trial 2: 5.0; trial 3: 0.0)"
    texts = [t.text_content() for t in svg.xpath(".//text")]
    assert "loss across trials" in texts and "trial" in texts  # fonts as text: searchable and readable


def test_page_is_self_contained_and_accessible(reported: Reported) -> None:
    page = reported.page()
    assert page.get("lang") == "en"
    assert only(page.xpath("//head/title")).text_content() == "provbridge report: trials 1, 2, 3"
    policy = only(page.xpath("//meta[@http-equiv='Content-Security-Policy']")).get("content")
    assert policy == "default-src 'none'; style-src 'unsafe-inline'"
    assert page.xpath("//script|//link|//img|//iframe|//object|//embed") == []
    for element in page.iter():
        for name in ("src", "href", "xlink:href", "action", "data"):
            value = element.get(name)
            assert value is None or value.startswith("#"), (element.tag, name, value)
    assert "url(" not in "".join(page.xpath("//style/text()"))
    assert [h.tag for h in page.xpath("//h1")] == ["h1"]
    levels = [int(h.tag[1]) for h in page.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert all(b <= a + 1 for a, b in pairwise(levels)), "a heading level is skipped"
    for table in page.xpath("//table"):
        assert {th.get("scope") for th in table.xpath("./thead/tr/th")} == {"col"}
        assert {th.get("scope") for th in table.xpath("./tbody/tr/th")} <= {"row"}
    for svg in page.xpath("//svg"):
        assert svg.get("role") == "img" and svg.get("aria-label") and svg.xpath("./title")
    ids = Counter(e.get("id") for e in page.iter() if e.get("id"))
    assert [i for i, n in ids.items() if n > 1] == []
    assert all(link.get("href")[1:] in ids for link in page.xpath("//nav//a"))
