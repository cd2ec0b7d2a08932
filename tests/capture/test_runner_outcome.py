"""Tests of provbridge.capture.runner's Outcome: the record count, and the environment read during the run."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path


def test_records_counts_the_ids_of_the_trial(tmp_path: Path) -> None:
    script = tmp_path / "s.py"
    script.write_text("a = 1\nb = a + 1\ndef f(x):\n    return x\nc = f(b)\n")
    # in a process of its own: the runner does what the interpreter does at exit (threading._shutdown)
    runner = ("from provbridge.capture.runner import RunOptions, run\n"
              f"o = run(RunOptions(target={str(script)!r}, store_dir=None, quiet=True))\n"
              "print(o.trial_id, o.records)\n")
    done = subprocess.run([sys.executable, "-c", runner], cwd=tmp_path, capture_output=True, text=True, check=True)
    trial_id, records = (int(word) for word in done.stdout.split())
    conn = sqlite3.connect(tmp_path / ".provbridge" / "provbridge.db")
    top = max(conn.execute(f"SELECT max(id) FROM {t} WHERE trial_id = ?", (trial_id,)).fetchone()[0]
              for t in ("executions", "versions"))
    assert records == top > 0


def test_a_local_module_does_not_shadow_the_environment_probe(tmp_path: Path) -> None:
    (tmp_path / "subprocess.py").write_text("raise SystemExit('shadowed')\n")
    (tmp_path / "s.py").write_text("x = 1\n")
    done = subprocess.run([sys.executable, "-m", "provbridge", "run", "-q", "s.py"], cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    assert (done.returncode, done.stderr) == (0, "")
    conn = sqlite3.connect(tmp_path / ".provbridge" / "provbridge.db")
    kinds = {row[0] for row in conn.execute("SELECT DISTINCT kind FROM environment")}
    assert kinds >= {"python", "os", "machine", "package", "cwd"}
