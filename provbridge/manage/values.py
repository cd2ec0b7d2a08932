"""A variable's final value in every trial, as a table (numbers as numbers, arrays by their statistics)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from provbridge.errors import VariableNotFoundError
from provbridge.frames import VALUE_COLUMNS, values_frame
from provbridge.manage.common import (
    StoreLike,
    TrialRef,
    final_version,
    get_trial,
    is_scalar,
    literal,
    python_value,
    role_of,
    tag_matches,
    using_store,
    variable_roles,
    variable_tags,
)

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = VALUE_COLUMNS  # one schema with values across trials in SPARQL (provbridge.query.api, --remote)


def value_record(trial: Any, name: str, tag: str | None = None) -> dict[str, Any] | None:
    """The row of ``values`` for one trial, or None when the trial has no such variable (nor tag), or
    when ``tag`` is given and the variable does not carry it in that trial (see :func:`tag_matches`)."""
    tags = variable_tags(trial).get(name, [])
    if tag is not None and not any(tag_matches(text, tag) for text in tags):
        return None
    _role, tag_text = variable_roles(trial).get(name, ("", ""))
    version = final_version(trial, name)
    row: dict[str, Any] = {"trial": trial.id, "uuid": trial.uuid, "trial_name": trial.name,
                           "started_at": trial.started_at, "role": role_of(tags)}
    if version is None:
        if not tag_text:
            return None
        row.update(version=None, type="tag", value=literal(tag_text))
        return row
    summary = version.summary
    row.update(version=version.label, type=version.type, value=python_value(version))
    if not is_scalar(version):
        shape = summary.get("shape") or ([summary["len"]] if "len" in summary else None)
        row.update(shape=tuple(shape) if shape is not None else None, dtype=summary.get("dtype"),
                   sha256=summary.get("sha256"))
        stats = summary.get("stats")
        if isinstance(stats, dict) and stats and not any(isinstance(v, dict) for v in stats.values()):
            row.update({k: stats.get(k) for k in ("mean", "std", "min", "max")})
    return row


def values(name: str, *, trials: list[TrialRef] | None = None, tag: str | None = None,
           store: StoreLike = None) -> pd.DataFrame:
    """The final top-level value of variable ``name`` in every trial that has it (or in ``trials``; with
    ``tag``, only where the variable carries that tag: ``metric``, a stage such as ``evaluation``, a cell
    tag), one row per trial: trial number and name (``trial_name``), start time, role (``params`` or
    ``metrics``, then its stages and cell tags, comma-separated; '' when untagged), version, type, the
    value (numbers and other scalars exactly, else the display text), and for arrays/frames/tensors their
    shape, dtype, mean/std/min/max and content hash. Raises VariableNotFoundError when no trial has it."""
    import pandas as pd

    with using_store(store) as opened:
        chosen = [get_trial(opened, t) for t in trials] if trials is not None else opened.trials()
        rows = [r for r in (value_record(t, name, tag) for t in chosen) if r is not None]
    if not rows:
        tagged = f" tagged {tag!r}" if tag is not None else ""
        raise VariableNotFoundError(f"no trial has a variable {name!r}{tagged}")
    return values_frame(pd.DataFrame(rows, columns=list(COLUMNS)))
