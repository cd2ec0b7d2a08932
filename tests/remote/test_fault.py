"""The server is killed in the middle of a push: a clear error, the local store untouched; after a restart,
the next push resumes and the remote graph equals the local one with no duplicates."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from tests.conftest import Project
from tests.remote.conftest import Server
from tests.remote.helpers import assert_remote_equals_local, chain, store_dump


def test_server_killed_mid_push(shared: Project, oxigraph: Server) -> None:
    trial = shared.capture(chain(1500))
    before = store_dump(shared.root)
    record = shared.root / ".provbridge" / "remotes" / "origin.json"
    push = subprocess.Popen(
        [sys.executable, "-m", "provbridge", "push", "--batch-mb", "0.004", "--retries", "1"], cwd=shared.root,
        env=shared.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sent = 0
    deadline = time.monotonic() + 60
    while sent < 3 and time.monotonic() < deadline and push.poll() is None:
        try:
            sent = json.loads(record.read_text())["trials"][trial.uuid]["sent"]
        except (OSError, ValueError, KeyError):
            time.sleep(0.005)
    oxigraph.kill()
    out, err = push.communicate(timeout=120)
    assert push.returncode == 2, (out, err)
    assert err.startswith("provbridge: error: remote 'origin': ")
    assert err.endswith("; nothing local changed, push again to resume)\n")
    assert len(err.splitlines()) == 1
    assert store_dump(shared.root) == before
    entry = json.loads(record.read_text())["trials"][trial.uuid]
    assert entry["complete"] is False
    assert 3 <= entry["sent"] < len(entry["batches"])

    oxigraph.start()
    again = shared.run("push", "--batch-mb", "0.004")
    assert again.stdout.startswith("trial 2: resumed ")
    assert int(again.stdout.split(" in ")[1].split()[0]) < len(entry["batches"])
    assert assert_remote_equals_local(trial) == entry["triples"]
    assert shared.run("push").stdout == "trial 2: unchanged\n"
