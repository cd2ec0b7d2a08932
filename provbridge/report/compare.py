"""The report's comparison of several trials: the differences of each trial from the one before it (through
provbridge.manage.diff) and each metric plotted across the trials."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from provbridge.manage.diff import SECTIONS, TEXT_COLUMNS, TrialDiff, compare_any, plain_cell
from provbridge.report.figures import plot_figure
from provbridge.report.markup import note, section, table, unified_diff

if TYPE_CHECKING:
    from provbridge.store.store import Store, Trial

TITLES = {"parameters": "Parameters", "metrics": "Metrics", "variables": "Variables in both trials",
          "only": "Variables in one trial only", "files": "Files", "environment": "Environment", "tags": "Trial tags",
          "records": "PROV records"}


def diff_ident(a: int, b: int) -> str:
    return f"diff-{a}-{b}"


def differences(trials: Sequence[Trial], *, all: bool, store: Store, level: int = 2) -> str:
    """Each trial compared with the previous one; only what differs unless ``all``."""
    pairs = [diff_section(a, b, all=all, store=store, level=level + 1) for a, b in pairwise(trials)]
    intro = note("Each trial is compared with the one before it" +
                 ("; unchanged rows are listed too." if all else "; only what differs is listed."))
    return section("differences", "Differences", level, intro + "".join(pairs))


def diff_section(a: Trial, b: Trial, *, all: bool, store: Store, level: int) -> str:
    """The difference of two trials: one table per kind of difference, the code and operation diffs."""
    found = compare_any(a, b, all=all, store=store)
    ident = diff_ident(a.id, b.id)
    heading = f"Trial {a.id} ({a.label}) → trial {b.id} ({b.label})"
    return section(ident, heading, level, diff_body(found, level + 1, ident))


def diff_body(found: TrialDiff, level: int, ident: str) -> str:
    """The tables and diffs of a TrialDiff, headed from ``level``."""
    parts = [note("no differences")] if found.empty else []
    for name in SECTIONS:
        frame = getattr(found, name)
        if frame.empty:
            continue
        columns = [c for c in TEXT_COLUMNS.get(name, list(frame.columns)) if c in frame.columns]
        rows = [[plain_cell(record[c]) for c in columns] for record in frame.to_dict("records")]
        headers = [column_title(c, found.a, found.b) for c in columns]
        parts.append(section(f"{ident}-{name}", TITLES.get(name, name), level, table(headers, rows)))
    for name, title in (("code", "Code"), ("operations", "Order of operations")):
        text = getattr(found, name)
        if text:
            parts.append(section(f"{ident}-{name}", title, level, unified_diff(text)))
    return "".join(parts)


def column_title(column: str, a: int, b: int) -> str:
    """A diff column's header naming the trials: ``a`` -> ``trial 1``, ``sha256_b`` -> ``sha256 in trial 2``."""
    if column in ("a", "b"):
        return f"trial {a if column == 'a' else b}"
    stem, _, side = column.rpartition("_")
    if side in ("a", "b") and stem:
        return f"{stem.replace('_', ' ')} in trial {a if side == 'a' else b}"
    return column.replace("_", " ")




def metric_plots(trials: Sequence[Trial], records: Sequence[dict[str, Any]], *, store: Store,
                 level: int = 2) -> str:
    """One chart per metric across the trials, drawn by provbridge.manage.plot."""
    names = sorted({key[len("metrics."):] for r in records for key in r if key.startswith("metrics.")})
    if not names:
        return section("plots", "Metrics across trials", level, note("No variable is tagged as a metric."))
    numbers = [t.id for t in trials]
    figures = []
    for i, name in enumerate(names):
        points = [(r["number"], r.get(f"metrics.{name}")) for r in records if r.get(f"metrics.{name}") is not None]
        figures.append(plot_figure(name, points, trials=numbers, store=store, prefix=f"plot{i}-"))
    return section("plots", "Metrics across trials", level, "".join(figures))

