"""provbridge push against a real Oxigraph server: PUT per trial, skip of unchanged trials, batches,
resuming an interrupted push, and clear errors that change nothing local."""

from __future__ import annotations

import json
from typing import Any

import pytest

from provbridge.errors import RemoteError
from provbridge.remote.config import get_remote
from provbridge.remote.dataset import remote_graphs
from provbridge.remote.http import Client, TransientError
from provbridge.remote.push import push_trials
from provbridge.remote.records import record_path
from tests.conftest import Project
from tests.remote.conftest import Server
from tests.remote.helpers import assert_remote_equals_local, chain, store_dump


def test_push_twice_changes_nothing(shared: Project) -> None:
    shared.capture("a = 1\nb = a + 1\n")
    first = shared.run("push", "--all")
    assert first.stdout.splitlines()[0].startswith("trial 1: pushed ")
    assert first.stdout.splitlines()[1].startswith("trial 2: pushed ")
    store = shared.store()
    for trial in store.trials():
        assert_remote_equals_local(trial)
    second = shared.run("push", "--all")
    assert second.stdout == "trial 1: unchanged\ntrial 2: unchanged\n"
    record = json.loads(record_path(store.directory, "origin").read_text())
    entry = record["trials"][store.trial(2).uuid]
    assert entry["complete"] is True
    assert entry["sent"] == 1
    assert entry["triples"] == assert_remote_equals_local(store.trial(2))
    with Client("origin") as client:
        assert remote_graphs(client, get_remote(store.directory, "origin")) == sorted(
            f"https://w3id.org/provbridge/trial/{t.uuid}/bundle" for t in store.trials())
    # nothing in the config or the record is a credential
    assert set(json.loads((store.directory / "config.json").read_text())["remotes"]["origin"]) == {
        "url", "graph_store", "update"}


def test_changed_trial_is_pushed_again(shared: Project) -> None:
    shared.run("push")
    shared.run("rename", "1", "baseline")
    again = shared.run("push", "1")
    assert again.stdout.startswith("trial 1: pushed ")
    assert_remote_equals_local(shared.store().trial(1))
    assert shared.run("push", "1").stdout == "trial 1: unchanged\n"
    assert shared.run("push", "1", "--force").stdout.startswith("trial 1: pushed ")


def test_large_trial_in_batches(shared: Project) -> None:
    trial = shared.capture(chain(300))
    out = shared.run("push", "--batch-mb", "0.01")
    requests = int(out.stdout.split(" in ")[1].split()[0])
    assert requests > 5
    record = json.loads(record_path(trial.store.directory, "origin").read_text())["trials"][trial.uuid]
    assert len(record["batches"]) == requests
    assert record["batches"][-1] == record["triples"] == assert_remote_equals_local(trial)


class CutAfter(Client):
    """A client whose connection is cut after ``limit`` requests (the request in flight is lost or, with
    ``arrive``, reaches the server but its answer does not come back)."""

    def __init__(self, limit: int, *, arrive: bool = False) -> None:
        super().__init__("origin", retries=0)
        self.limit, self.arrive, self.sent = limit, arrive, 0

    def request(self, method: str, url: str, **options: Any) -> Any:
        if method in ("PUT", "POST") and "/store" in url:
            self.sent += 1
            if self.sent > self.limit:
                if self.arrive:
                    super().request(method, url, **options)
                raise TransientError("connection cut (test)")
        return super().request(method, url, **options)


@pytest.mark.parametrize("arrive", [False, True])
def test_interrupted_push_resumes_without_duplicates(shared: Project, arrive: bool) -> None:
    trial = shared.capture(chain(300))
    store = shared.store()
    remote = get_remote(store.directory, "origin")
    before = store_dump(shared.root)
    with pytest.raises(RemoteError, match="push again to resume"):
        push_trials(store, remote, [store.trial(trial.id)], client=CutAfter(3, arrive=arrive), batch_bytes=10_000,
                    progress=False)
    entry = json.loads(record_path(store.directory, "origin").read_text())["trials"][trial.uuid]
    assert entry["complete"] is False
    assert entry["sent"] == 3
    assert store_dump(shared.root) == before
    client = Client("origin")
    [outcome] = push_trials(store, remote, [store.trial(trial.id)], client=client, batch_bytes=10_000,
                            progress=False)
    assert outcome.status == "resumed"
    total = len(entry["batches"])
    assert outcome.batches == total - (4 if arrive else 3)
    assert_remote_equals_local(trial)


def test_unreachable_server_is_a_clear_error(shared: Project, oxigraph: Server) -> None:
    oxigraph.stop()
    before = store_dump(shared.root)
    out = shared.run("push", "--retries", "1", check=False)
    assert out.returncode == 2
    assert out.stderr.startswith("provbridge: error: remote 'origin': PUT http://127.0.0.1:")
    assert "connection refused (is the server running?) (batch 1 of 1; nothing local changed" in out.stderr
    assert len(out.stderr.splitlines()) == 1
    assert store_dump(shared.root) == before


def test_refused_request_is_a_clear_error(shared: Project, oxigraph: Server) -> None:
    shared.run("remote", "add", "wrong", oxigraph.query_url, "--graph-store", oxigraph.base + "/nowhere")
    out = shared.run("push", "--to", "wrong", check=False)
    assert out.returncode == 2
    assert out.stderr.startswith(f"provbridge: error: remote 'wrong': PUT {oxigraph.base}/nowhere?graph=")
    assert " answered 404 Not Found" in out.stderr
    assert not record_path(shared.root / ".provbridge", "wrong").exists()
