"""The report's fixture: one script run three times with different command-line parameters, and its report."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest

from tests.conftest import Project
from tests.notebook.conftest import kernel, kernel_prefix, store_dir  # noqa: F401  (fixtures of the notebook test)

TRAIN = """
import argparse
import json

import provbridge

parser = argparse.ArgumentParser()
parser.add_argument("--alpha", type=float, default=0.1)
args = parser.parse_args()
alpha = provbridge.tag("alpha", args.alpha, "hyperparameter")
provbridge.tag_trial("owner", "<i>team</i>")
with open("data.txt") as f:
    rows = [float(line) for line in f]
scaled = [x * alpha for x in rows]
total = sum(scaled)
label = "<script>alert('x')</script> & <b>bold</b>"
loss = provbridge.tag("loss", round(abs(total - 10), 6), "metric")
with open("out.json", "w") as f:
    json.dump({"loss": loss}, f)
"""
ALPHAS = ("0.1", "0.5", "1.0")
LABEL = "<script>alert('x')</script> & <b>bold</b>"


@dataclass
class Reported:
    """The project of the three trials and the reports written of them."""

    project: Project
    path: Path  # `provbridge report -o report.html` (every trial)
    all_path: Path  # `provbridge report 1 2 --all`

    def page(self, path: Path | None = None) -> lxml.html.HtmlElement:
        return lxml.html.parse(str(path or self.path)).getroot()


@pytest.fixture(scope="session")
def reported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reported]:
    """Trials 1-3: train.py --alpha 0.1, 0.5, 1.0 (loss 9.0, 5.0, 0.0); then both reports."""
    project = Project(tmp_path_factory.mktemp("report"))
    project.write("data.txt", "1\n2\n3\n4\n")
    project.write("train.py", TRAIN)
    for alpha in ALPHAS:
        project.run("run", "-q", "train.py", "--alpha", alpha)
    project.run("report", "-o", "report.html")
    project.run("report", "1", "2", "--all", "-o", "all.html")
    yield Reported(project, project.root / "report.html", project.root / "all.html")


def rows(table: lxml.html.HtmlElement) -> list[list[str]]:
    """The text of each body row's cells."""
    return [[cell.text_content() for cell in tr.xpath("./th|./td")] for tr in table.xpath("./tbody/tr")]


def headers(table: lxml.html.HtmlElement) -> list[str]:
    return [th.text_content() for th in table.xpath("./thead/tr/th")]


def only(elements: list[lxml.html.HtmlElement]) -> lxml.html.HtmlElement:
    assert len(elements) == 1, f"expected one element, found {len(elements)}"
    return elements[0]
