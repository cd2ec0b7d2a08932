"""Hashing cost of file capture, counted in bytes read by the hasher (never timed): each file content is
hashed once per run, and a file that only grows by appends is hashed from where its last digest stopped."""

from __future__ import annotations

import hashlib
import json
import textwrap
from pathlib import Path

from provbridge.capture.filehash import TAIL
from tests.conftest import Project

SIZE = 4 << 20  # the 300 MB file, scaled down: what matters is how often it is read
STATS = """
import json
from provbridge.capture import filehash
print(json.dumps({"bytes": filehash.STATS.bytes_read, "full": filehash.STATS.full,
                  "continued": filehash.STATS.continued}))
"""


def script(body: str) -> str:
    """The script ``body`` followed by a line printing the hasher's counters as JSON."""
    return textwrap.dedent(body) + STATS


def stats(stdout: str) -> dict[str, int]:
    result: dict[str, int] = json.loads(stdout.strip().splitlines()[-1])
    return result


def test_appending_many_times_reads_the_file_once(project: Project) -> None:
    start = bytes(range(256)) * (SIZE // 256)
    (project.root / "big.bin").write_bytes(start)
    project.write("append.py", script("""
    chunk = b"0123456789" * 100
    for i in range(15):
        with open("big.bin", "ab") as f:
            f.write(chunk)
    """))
    proc = project.run("run", "-q", "append.py")
    cost = stats(proc.stdout)
    # the first open hashes the whole file; every close continues the digest over the 1000 new bytes
    # (after checking the last TAIL bytes it had hashed); every later open reuses the digest
    assert cost == {"bytes": SIZE + 15 * (TAIL + 1000), "full": 1, "continued": 15}
    accesses = project.store().trial("last").file_accesses()
    assert [a.mode for a in accesses] == ["ab"] * 15
    content = start
    for access in accesses:
        assert access.sha256_before == hashlib.sha256(content).hexdigest()
        content += b"0123456789" * 100
        assert (access.sha256_after, access.size_after) == (hashlib.sha256(content).hexdigest(), len(content))
    assert (project.root / "big.bin").read_bytes() == content


def test_reading_an_unchanged_file_again_does_not_hash_it_again(project: Project) -> None:
    (project.root / "big.bin").write_bytes(b"z" * SIZE)
    project.write("reread.py", script("""
    sizes = []
    for i in range(12):
        with open("big.bin", "rb") as f:
            sizes.append(len(f.read(10)))
    """))
    cost = stats(project.run("run", "-q", "reread.py").stdout)
    assert cost == {"bytes": SIZE, "full": 1, "continued": 0}
    accesses = project.store().trial("last").file_accesses()
    assert len(accesses) == 12
    assert {a.sha256_before for a in accesses} == {hashlib.sha256(b"z" * SIZE).hexdigest()}


def test_a_write_in_place_between_appends_is_hashed_again_in_full(project: Project) -> None:
    (project.root / "log.bin").write_bytes(b"a" * 10000)
    project.write("mixed.py", script("""
    with open("log.bin", "ab") as f:
        f.write(b"b" * 100)
    with open("log.bin", "r+b") as f:
        f.write(b"C" * 10)
    with open("log.bin", "ab") as f:
        f.write(b"d" * 100)
    """))
    cost = stats(project.run("run", "-q", "mixed.py").stdout)
    # hashed in full: at the first open, and when the r+ handle (it may write anywhere) is closed;
    # continued: the close of each append handle; the opens after a close reuse its digest
    assert (cost["full"], cost["continued"]) == (2, 2)
    final = b"C" * 10 + b"a" * 9990 + b"b" * 100 + b"d" * 100
    accesses = project.store().trial("last").file_accesses()
    assert [a.sha256_after for a in accesses] == [
        hashlib.sha256(b"a" * 10000 + b"b" * 100).hexdigest(),
        hashlib.sha256(final[:10100]).hexdigest(),
        hashlib.sha256(final).hexdigest(),
    ]
    assert (project.root / "log.bin").read_bytes() == final


def test_truncating_through_an_append_handle_is_noticed(project: Project) -> None:
    (project.root / "log.txt").write_text("x" * 5000)
    project.write("regrow.py", script("""
    with open("log.txt", "a") as f:
        f.truncate(0)
        f.write("y" * 6000)
    """))
    cost = stats(project.run("run", "-q", "regrow.py").stdout)
    assert (cost["full"], cost["continued"]) == (2, 0)  # the digest of "x" * 5000 is not continued
    (access,) = project.store().trial("last").file_accesses()
    assert access.sha256_before == hashlib.sha256(b"x" * 5000).hexdigest()
    assert (access.sha256_after, access.size_after) == (hashlib.sha256(b"y" * 6000).hexdigest(), 6000)
    assert Path(project.root / "log.txt").read_text() == "y" * 6000
