"""Notebook test fixtures: the provbridge kernelspec installed in a temporary prefix, real kernels, a store."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.manager import KernelManager

from provbridge.api import Store, open_store
from provbridge.notebook.client import execute_request, transport_options

TIMEOUT = 120  # seconds for any one kernel operation or notebook run


@pytest.fixture(scope="session")
def kernel_prefix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Install the kernelspec with the real CLI into a temporary prefix and put it on JUPYTER_PATH."""
    prefix = tmp_path_factory.mktemp("jupyter-prefix")
    subprocess.run([sys.executable, "-m", "provbridge", "kernel", "install", "--prefix", str(prefix)],
                   check=True, capture_output=True, text=True, timeout=TIMEOUT)
    data = str(prefix / "share" / "jupyter")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", os.pathsep.join(p for p in (data, os.environ.get("JUPYTER_PATH")) if p))
        yield prefix


@pytest.fixture
def store_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary store; PROVBRIDGE_DIR points at it here and in every kernel and run started by a test."""
    path = tmp_path / "store"
    monkeypatch.setenv("PROVBRIDGE_DIR", str(path))
    for name in ("PROVBRIDGE_NOTEBOOK", "PROVBRIDGE_TRIAL_NAME", "PROVBRIDGE_COMMAND", "PROVBRIDGE_FAIL_ON_ERROR"):
        monkeypatch.delenv(name, raising=False)
    return path


def open_test_store(path: Path) -> Store:
    return open_store(path / "provbridge.db")


@dataclass
class Reply:
    """What one execute_request produced."""

    status: str
    execution_count: int | None
    outputs: list[dict[str, Any]] = field(default_factory=list)

    def text(self) -> str:
        parts = []
        for out in self.outputs:
            if out.get("name") in ("stdout", "stderr"):
                parts.append(out["text"])
            elif "data" in out:
                parts.append(out["data"].get("text/plain", ""))
        return "".join(parts)


class Kernel:
    """A real provbridge kernel (from the installed kernelspec) driven like a front end that sends ids."""

    def __init__(self, cwd: Path) -> None:
        self.km = KernelManager(kernel_name="provbridge", **transport_options())
        self.km.start_kernel(cwd=str(cwd), env=dict(os.environ))
        self.kc = self.km.blocking_client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=TIMEOUT)

    def run(self, code: str, cell_id: str | None = None, tags: Iterable[str] = (), *,
            silent: bool = False, store_history: bool = True) -> Reply:
        msg_id = execute_request(self.kc, code, cell_id=cell_id, tags=tags, silent=silent,
                                 store_history=store_history, stop_on_error=False)
        outputs: list[dict[str, Any]] = []
        deadline = time.monotonic() + TIMEOUT
        while True:  # outputs until the kernel is idle again
            try:
                msg = self.kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no idle status from the kernel for {code!r}") from None
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind == "status" and msg["content"]["execution_state"] == "idle":
                break
            if kind in ("stream", "execute_result", "display_data", "error"):
                outputs.append(msg["content"])
        while True:
            reply = self.kc.get_shell_msg(timeout=TIMEOUT)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        content = reply["content"]
        return Reply(content["status"], content.get("execution_count"), outputs)

    def shutdown(self) -> None:
        self.kc.stop_channels()
        if self.km.is_alive():
            self.km.shutdown_kernel(now=False)


@pytest.fixture
def kernel(kernel_prefix: Path, store_dir: Path, tmp_path: Path) -> Iterator[Kernel]:
    k = Kernel(tmp_path)
    try:
        yield k
    finally:
        k.shutdown()
