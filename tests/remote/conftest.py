"""A real Oxigraph SPARQL server (PyPI ``oxigraph``) on a free loopback port, started per test and stopped
after; a project with a remote pointing at it."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import Project


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` command installed with the test extra (next to this Python, else on PATH)."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return str(beside)
    return shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """One Oxigraph server process with its data directory (kept across restarts)."""

    binary: str
    location: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return self.base + "/query"

    def start(self) -> None:
        log = open(self.location.parent / "oxigraph.log", "ab")
        self.process = subprocess.Popen(
            [self.binary, "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}"],
            stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oxigraph exited {self.process.returncode}; see {log.name}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("oxigraph did not start listening within 30 s")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None


@pytest.fixture
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph; it is in the [test] extra)")
    directory = tmp_path_factory.mktemp("oxigraph")
    server = Server(binary, directory / "data", free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def shared(project: Project, oxigraph: Server, monkeypatch: pytest.MonkeyPatch) -> Project:
    """A project with one trial whose remote ``origin`` is the Oxigraph server; no credentials anywhere."""
    for key in [k for k in os.environ if k.startswith("PROVBRIDGE_REMOTE_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("NETRC", str(project.root / "no-netrc"))
    project.capture("seed = 1\n", name="seed.py")
    project.run("remote", "add", "origin", oxigraph.query_url)
    return project
