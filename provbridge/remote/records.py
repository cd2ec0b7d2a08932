"""The record of what was pushed to a remote: ``.provbridge/remotes/<name>.json``, one entry per trial UUID
(graph, content sha256, triples, batches sent, when), rewritten atomically after every request that
changed the remote, so that an interrupted push resumes where it stopped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from provbridge.remote.files import read_json, write_json

DIRECTORY = "remotes"
FORMAT = 1


def record_path(directory: Path, remote: str) -> Path:
    return directory / DIRECTORY / f"{remote}.json"


class PushRecord:
    """What this project pushed to one remote (at one URL: a remote re-added elsewhere starts afresh)."""

    def __init__(self, directory: Path, remote: str, url: str) -> None:
        self.path = record_path(directory, remote)
        data = read_json(self.path)
        if data.get("format") != FORMAT or data.get("url") != url:
            data = {"format": FORMAT, "remote": remote, "url": url, "trials": {}}
        self.data = data

    @property
    def trials(self) -> dict[str, dict[str, Any]]:
        return self.data["trials"]

    def get(self, uuid: str) -> dict[str, Any] | None:
        return self.trials.get(uuid)

    def put(self, uuid: str, entry: dict[str, Any]) -> None:
        self.trials[uuid] = entry
        write_json(self.path, self.data)

    def forget(self, uuid: str) -> None:
        if self.trials.pop(uuid, None) is not None:
            write_json(self.path, self.data)
