"""Real SPARQL servers on free loopback ports, started per test and stopped after: Oxigraph (PyPI
``oxigraph``) and Virtuoso (Debian ``virtuoso-opensource-7-bin``); a project with a remote pointing at one."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
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


VIRTUOSO_INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
ServerThreads = 10
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = ., {dir}

[HTTPServer]
ServerPort = 127.0.0.1:{port}
ServerRoot = {dir}
ServerThreads = 10
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 120
"""
# The anonymous SPARQL user may write through /sparql-graph-crud: a throw-away server on loopback only.
VIRTUOSO_GRANTS = "GRANT SPARQL_UPDATE TO \"SPARQL\"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);"


@dataclass
class Virtuoso:
    """A Virtuoso Open Source server (Debian ``virtuoso-opensource-7-bin``) with its own database."""

    binary: str
    isql: str
    location: Path
    port: int
    sql_port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return self.base + "/sparql"

    def start(self) -> None:
        self.location.mkdir(parents=True, exist_ok=True)
        ini = self.location / "virtuoso.ini"
        ini.write_text(VIRTUOSO_INI.format(dir=self.location, port=self.port, sql_port=self.sql_port))
        self.process = subprocess.Popen([self.binary, "-f", "-c", str(ini)], cwd=self.location,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"virtuoso exited {self.process.returncode}; see {self.location}/virtuoso.log")
            try:
                with urllib.request.urlopen(self.query_url + "?query=ASK%7B%7D", timeout=2):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("virtuoso did not answer within 120 s")
        subprocess.run([self.isql, f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={VIRTUOSO_GRANTS}"],
                       check=True, capture_output=True, timeout=60)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
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
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if binary is None or isql is None:
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource-7-bin; .ci/run does)")
    server = Virtuoso(binary, isql, tmp_path_factory.mktemp("virtuoso"), free_port(), free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


def share(project: Project, url: str, monkeypatch: pytest.MonkeyPatch) -> Project:
    """``project`` with one trial and a remote ``origin`` at ``url``; no credentials anywhere."""
    for key in [k for k in os.environ if k.startswith("PROVBRIDGE_REMOTE_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("NETRC", str(project.root / "no-netrc"))
    project.capture("seed = 1\n", name="seed.py")
    project.run("remote", "add", "origin", url)
    return project


@pytest.fixture
def shared(project: Project, oxigraph: Server, monkeypatch: pytest.MonkeyPatch) -> Project:
    """A project with one trial whose remote ``origin`` is the Oxigraph server."""
    return share(project, oxigraph.query_url, monkeypatch)
