"""The whole report: a table of the trials, their differences and metric plots, then one section per trial."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from provbridge.manage.common import ManageError, StoreLike, TrialRef, get_trial, using_store
from provbridge.manage.table import trial_record
from provbridge.report.compare import differences, metric_plots
from provbridge.report.markup import document, element, esc, fragment, note, section, table
from provbridge.report.trial import trial_ident, trial_section
from provbridge.store.store import Trial
from provbridge.version import __version__

BASE_COLUMNS = (("#", "number"), ("name", "name"), ("script", "main"), ("status", "status"),
                ("started (UTC)", "started_at"), ("duration (s)", "duration"))
ROLE_ORDER = ("params.", "metrics.", "tags.")


@dataclass
class Report:
    """A rendered report: ``html()`` is the stand-alone page, ``fragment()`` the same content to embed (it is
    what Jupyter shows)."""

    title: str
    body: str
    trials: list[int]

    def html(self) -> str:
        return document(self.title, self.body, generator=f"provbridge {__version__}")

    def fragment(self) -> str:
        return fragment(self.body)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the stand-alone page (UTF-8)."""
        Path(path).write_text(self.html(), encoding="utf-8")

    def _repr_html_(self) -> str:
        return self.fragment()


def report(trials: Sequence[TrialRef] | None = None, *, all: bool = False, diagrams: bool = True,
           store: StoreLike = None) -> Report:
    """The report of ``trials`` (numbers, names, id prefixes, ``last``, Trials; default every trial, oldest
    first): the trials table (parameters, metrics, tags, status, duration); for two or more trials the
    differences of each from the previous one (only what differs unless ``all``) and each metric plotted
    across them; then each trial's environment, files, top-level dataflow and the backward dependencies of
    its metrics (or of its final variables) as diagrams (``diagrams=False`` skips Graphviz)."""
    with using_store(store) as opened:
        chosen = [get_trial(opened, ref) for ref in trials] if trials else opened.trials()
        chosen = list({t.id: t for t in chosen}.values())
        if not chosen:
            raise ManageError("no trials to report: record one with `provbridge run SCRIPT` first")
        records = [trial_record(t) for t in chosen]
        parts = [_header(chosen, opened.directory), _contents(chosen), _trials_table(records)]
        if len(chosen) > 1:
            parts.append(differences(chosen, all=all, store=opened))
            parts.append(metric_plots(chosen, records, store=opened))
        parts.extend(trial_section(t, diagrams=diagrams) for t in chosen)
    numbers = [t.id for t in chosen]
    title = f"provbridge report: trial{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}"
    return Report(title, "\n".join(parts), numbers)


def write_report(path: str | os.PathLike[str], trials: Sequence[TrialRef] | None = None, *, all: bool = False,
                 diagrams: bool = True, store: StoreLike = None) -> Report:
    """Build the report (see :func:`report`) and write it to ``path`` as one self-contained HTML file."""
    built = report(trials, all=all, diagrams=diagrams, store=store)
    built.save(path)
    return built


def trial_html(trial: Trial, *, diagrams: bool = True) -> str:
    """One trial's section as embeddable HTML (``Trial._repr_html_``)."""
    return fragment(trial_section(trial, level=3, diagrams=diagrams))


def _header(trials: list[Trial], directory: Any) -> str:
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    count = f"{len(trials)} trial{'s' if len(trials) > 1 else ''}"
    text = f"{count} of the store {directory}, written {when} by provbridge {__version__}."
    return element("header", element("h1", "provbridge report") + element("p", esc(text)))


def _contents(trials: list[Trial]) -> str:
    links = [("trials", "Trials")]
    if len(trials) > 1:
        links += [("differences", "Differences"), ("plots", "Metrics across trials")]
    links += [(trial_ident(t), f"Trial {t.id}: {t.label}") for t in trials]
    items = "".join(element("li", element("a", esc(text), href=f"#{ident}")) for ident, text in links)
    return element("nav", element("ul", items), aria_label="Contents")


def _trials_table(records: list[dict[str, Any]]) -> str:
    extra = sorted({k for r in records for k in r if k.startswith(ROLE_ORDER)},
                   key=lambda k: (ROLE_ORDER.index(k.split(".", 1)[0] + "."), k))
    columns = [*BASE_COLUMNS, *((key, key) for key in extra)]
    rows = [[_cell(key, r.get(key)) for _, key in columns] for r in records]
    content = table([title for title, _ in columns], rows, caption="one row per trial")
    if any(r["status"] == "running" for r in records):
        content += note("A running trial is shown as recorded so far.")
    return section("trials", "Trials", 2, content)


def _cell(key: str, value: Any) -> Any:
    if value is None:
        return None
    if key == "main":
        return str(value).rsplit("/", 1)[-1]
    if key == "started_at":
        return str(value)[:19].replace("T", " ")
    if key == "duration":
        return round(float(value), 2)
    return value
