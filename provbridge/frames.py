"""Column schemas that local and SPARQL (also --remote) answers share, with the helpers that shape them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas

# a variable's final value in every trial: provbridge.values (the local records) and
# provbridge.query.values_across (SPARQL, also on a remote); what an answer cannot know is None
VALUE_COLUMNS = ("trial", "uuid", "trial_name", "started_at", "role", "version", "type", "value", "shape", "dtype",
                 "mean", "std", "min", "max", "sha256")


def values_frame(frame: pandas.DataFrame) -> pandas.DataFrame:
    """``frame`` (in VALUE_COLUMNS) with start times as UTC timestamps and all-number values as numbers."""
    import pandas as pd

    frame["started_at"] = pd.to_datetime(frame["started_at"], utc=True)
    numeric = [v for v in frame["value"] if v is not None and v == v]
    if numeric and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in numeric):
        frame["value"] = pd.to_numeric(frame["value"])
    return frame
