"""Draw a variable across trials with matplotlib: numbers as a line or bar chart, arrays by statistics."""

from __future__ import annotations

import math
import os
from typing import TYPE_CHECKING, Any

from provbridge.manage.common import ManageError, StoreLike, TrialRef
from provbridge.manage.values import values

if TYPE_CHECKING:
    from matplotlib.figure import Figure

KINDS = ("line", "bar")


def plot(name: str, output: str | os.PathLike[str] | None = None, *, kind: str = "line",
         trials: list[TrialRef] | None = None, store: StoreLike = None) -> Figure:
    """A figure of variable ``name`` across trials (x: trial number). Numeric scalars are one point per
    trial (``kind`` line or bar); arrays, frames and tensors show their mean with a ±std bar and a
    min–max band. Writes the figure to ``output`` when given (format from its extension). The figure is
    built without pyplot, so it never changes the user's matplotlib backend."""
    from provbridge.extras import require

    Figure = require("matplotlib.figure", "provbridge plot").Figure

    if kind not in KINDS:
        raise ManageError(f"plot kind must be one of {', '.join(KINDS)}, not {kind!r}")
    frame = values(name, trials=trials, store=store)
    fig = Figure(figsize=(7, 4), layout="constrained")
    ax = fig.add_subplot()
    numeric = frame[frame["value"].map(_is_num)]
    if not numeric.empty:
        xs = [int(t) for t in numeric["trial"]]
        ys = [float(v) for v in numeric["value"]]
        if kind == "bar":
            ax.bar([str(x) for x in xs], ys, label=name)
        else:
            ax.plot(xs, ys, marker="o", label=name)
        ax.set_ylabel(name)
    else:
        stats = frame[frame["mean"].map(_is_num)]
        if stats.empty:
            raise ManageError(f"{name!r} has no numeric value or statistics to plot in any trial")
        xs = [int(t) for t in stats["trial"]]
        means = [float(v) for v in stats["mean"]]
        stds = [float(v) if _is_num(v) else 0.0 for v in stats["std"]]
        ax.errorbar(xs, means, yerr=stds, marker="o", capsize=4, label=f"{name} mean ± std")
        if stats["min"].map(_is_num).all() and stats["max"].map(_is_num).all():
            ax.fill_between(xs, [float(v) for v in stats["min"]], [float(v) for v in stats["max"]], alpha=0.2,
                            label="min–max")
        ax.set_ylabel(f"{name} (summary statistics)")
    ax.set_xlabel("trial")
    if kind == "line" or numeric.empty:
        ax.set_xticks(xs)
    ax.set_title(f"{name} across trials")
    ax.grid(True, alpha=0.3)
    ax.legend()
    if output is not None:
        fig.savefig(os.fspath(output))
    return fig


def _is_num(value: Any) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return (isinstance(value, (int, float)) or type(value).__module__ == "numpy") and not math.isnan(number)
