"""File accesses: paths, modes, sha256 before/after (checked with sha256sum) and their place in the dataflow."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import Project, names


def sha256sum(path: Path) -> str:
    return subprocess.run(["sha256sum", str(path)], capture_output=True, text=True, check=True).stdout.split()[0]


def test_reads_and_writes_through_open_pathlib_and_os(project: Project) -> None:
    raw = project.write("raw.txt", "3\n4\n5\n")
    old = project.write("report.txt", "old report\n")
    src = """
    import os
    from pathlib import Path
    with open("raw.txt") as f:
        numbers = [int(line) for line in f]
    total = sum(numbers)
    scale = 2
    with open("report.txt", "w") as out:
        out.write(f"total={total * scale}\\n")
    Path("copy.txt").write_text(Path("raw.txt").read_text())
    fd = os.open("low.bin", os.O_WRONLY | os.O_CREAT)
    os.write(fd, b"abc")
    os.close(fd)
    done = True
    """
    before_report = sha256sum(old)
    trial = project.capture(src)
    accesses = {(Path(a.path).name, a.mode): a for a in trial.file_accesses()}
    assert set(accesses) == {("raw.txt", "r"), ("report.txt", "w"), ("copy.txt", "w"), ("low.bin", "w")}
    raw_access = accesses[("raw.txt", "r")]
    assert raw_access.sha256_before == sha256sum(raw) and raw_access.size_before == 6
    report = accesses[("report.txt", "w")]
    assert report.sha256_before == before_report
    assert report.sha256_after == sha256sum(project.root / "report.txt")
    assert (project.root / "report.txt").read_text() == "total=24\n"
    assert accesses[("copy.txt", "w")].sha256_after == sha256sum(raw)
    assert accesses[("low.bin", "w")].sha256_after == sha256sum(project.root / "low.bin")
    # the written report derives from what was written into it; opened with "w", not from the old content
    assert report.write_version is not None
    written = trial.version(report.write_version)
    assert written.kind == "file" and written.value == report.sha256_after
    back = trial.backward(written.id)
    assert {"total", "scale", "numbers", "out", "f"} <= names(back)
    assert {v.value for v in back if v.kind == "file"} == {raw_access.sha256_before}
    # the file read is where `numbers` came from
    assert [v.value for v in trial.backward("numbers") if v.kind == "file"] == [raw_access.sha256_before]


def test_pandas_and_numpy_files(project: Project) -> None:
    pd = pytest.importorskip("pandas")
    assert pd is not None
    project.write("in.csv", "a,b\n1,2\n3,4\n")
    src = """
    import numpy as np
    import pandas as pd
    df = pd.read_csv("in.csv")
    df["c"] = df["a"] + df["b"]
    df.to_csv("out.csv", index=False)
    arr = df.to_numpy()
    np.save("arr.npy", arr)
    back = np.load("arr.npy")
    """
    trial = project.capture(src)
    by_name = {(Path(a.path).name, a.mode[0]) for a in trial.file_accesses()}
    assert {("in.csv", "r"), ("out.csv", "w"), ("arr.npy", "w"), ("arr.npy", "r")} <= by_name
    out = next(a for a in trial.file_accesses() if a.path.endswith("out.csv"))
    assert out.sha256_after == sha256sum(project.root / "out.csv")
    # np.load reads the very file version np.save wrote: the chain runs through the file
    assert {"arr", "df", "pd", "np"} <= names(trial.backward("back"))
    file_back = [v for v in trial.backward("back") if v.kind == "file"]
    assert {Path(v.name).name for v in file_back} == {"arr.npy", "in.csv"}
    # item assignment and the method-call statement `df.to_csv(...)` both make new versions (DESIGN §3)
    assert [v.kind for v in trial.versions("df")] == ["assign", "mutate", "mutate"]


def test_store_directory_is_not_recorded(project: Project) -> None:
    trial = project.capture("x = open('.provbridge/provbridge.db', 'rb').read(4)\n")
    assert trial.file_accesses() == []
