"""A DataFrame changed in place: every recorded version's hash sees the change (small frames hashed in
full, large ones sampled and hashed exactly when the sample cannot see the change), across trials too."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Project

pytest.importorskip("pandas")

SCRIPT = """
import sys
import numpy as np
import pandas as pd
n = int(sys.argv[1])
df = pd.DataFrame({"a": np.arange(float(n)), "b": np.arange(n)})
df.iloc[n // 2 + 1, 0] = float(sys.argv[2])
df.iloc[n // 2 + 3, 1] = 7
total = float(df["a"].sum())
"""


def frame_versions(project: Project, *args: str) -> list[tuple[str, str, str]]:
    """(kind, hash_kind, sha256) of each recorded version of ``df`` in a run of SCRIPT with ``args``."""
    project.write("s.py", SCRIPT)
    project.run("run", "-q", "s.py", *args)
    trial = project.store().trial("last")
    out = []
    for version in trial.versions():
        if version.name == "df":
            summary = version.summary
            out.append((version.kind, summary["hash_kind"], summary["sha256"]))
    return out


@pytest.mark.parametrize(("rows", "kinds"), [
    (1000, ["full", "full", "full"]),  # hashed in full while recording
    (200_000, ["sampled", "full", "full"]),  # 3.2 MB: sampled; the unseen changes hashed exactly
])
def test_one_cell_changed_in_place_changes_the_recorded_hash(project: Project, rows: int, kinds: list[str]) -> None:
    versions = frame_versions(project, str(rows), "-1")
    assert [(kind, hash_kind) for kind, hash_kind, _ in versions] == list(zip(["assign", "mutate", "mutate"], kinds))
    hashes = [sha for _, _, sha in versions]
    assert len(set(hashes)) == 3


def test_final_hashes_of_two_trials_differ_by_one_cell(project: Project) -> None:
    first = frame_versions(project, "200000", "-1")[-1]
    same = frame_versions(project, "200000", "-1")[-1]
    other = frame_versions(project, "200000", "-2")[-1]
    assert first[1:] == same[1:] and first[1] == "full"
    assert other[2] != first[2]


def test_frame_facts_read_from_blocks_match_pandas() -> None:
    """nbytes, stats and the full hash read from the blocks are those pandas' own objects give, whatever the
    block layout (2-D numpy blocks, a transposed one, extension columns, a non-range index)."""
    import numpy as np
    import pandas as pd

    from provbridge.capture.values import summarize

    rng = np.random.default_rng(3)
    frames = [
        pd.DataFrame(rng.random((500, 3)), columns=["x", "y", "z"]),
        pd.DataFrame({"i": np.arange(500), "s": ["a"] * 500, "c": pd.Categorical(["u", "v"] * 250),
                      "n": pd.array(np.arange(500), dtype="Int64"), "f": rng.random(500)},
                     index=pd.date_range("2020", periods=500, freq="h")),
    ]
    for df in frames:
        summary = json.loads(summarize(df)[3] or "")
        assert summary["nbytes"] == int(df.memory_usage(index=True, deep=False).sum())
        numeric = [c for c in df.columns if isinstance(df[c].dtype, np.dtype) and df[c].dtype.kind in "iuf"]
        assert sorted(summary["stats"]) == sorted(numeric)
        for c in numeric:
            assert summary["stats"][c]["max"] == pytest.approx(float(df[c].max()))
        assert json.loads(summarize(df.copy())[3] or "")["sha256"] == summary["sha256"]
        assert json.loads(summarize(df[list(reversed(df.columns))][list(df.columns)])[3] or "")["sha256"] == \
            summary["sha256"]  # the same columns through other blocks
