"""Sending cells to a kernel with their id and tags (execute_request metadata), and an nbclient that does."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient

from provbridge.notebook.kernelspec import KERNEL_NAME, ProvbridgeSpecManager


def transport_options() -> dict[str, str]:
    """Kernel manager options for local IPC sockets in Jupyter's runtime directory where the platform has
    them (no network port, and no plain-TCP warning from the kernel); TCP elsewhere."""
    if os.name == "nt":
        return {"transport": "tcp"}
    from jupyter_core.paths import jupyter_runtime_dir

    runtime = jupyter_runtime_dir()
    os.makedirs(runtime, exist_ok=True)
    return {"transport": "ipc", "ip": os.path.join(runtime, f"provbridge-{uuid.uuid4().hex[:12]}")}


def cell_metadata(cell_id: str | None, tags: Iterable[str] = ()) -> dict[str, Any]:
    """The execute_request metadata provbridge reads: ``cellId`` (as JupyterLab sends it) and ``tags``
    (the cell's ``metadata.tags``)."""
    metadata: dict[str, Any] = {"tags": [str(t) for t in tags]}
    if cell_id:
        metadata["cellId"] = str(cell_id)
    return metadata


def execute_request(kc: Any, code: str, *, cell_id: str | None = None, tags: Iterable[str] = (),
                    silent: bool = False, store_history: bool = True, stop_on_error: bool = True,
                    user_expressions: dict[str, str] | None = None) -> str:
    """Like ``KernelClient.execute``, with the cell's id and tags in the request metadata; returns the
    message id."""
    content = {
        "code": code,
        "silent": silent,
        "store_history": store_history,
        "user_expressions": user_expressions or {},
        "allow_stdin": False,
        "stop_on_error": stop_on_error,
    }
    msg = kc.session.msg("execute_request", content, metadata=cell_metadata(cell_id, tags))
    kc.shell_channel.send(msg)
    return str(msg["header"]["msg_id"])


class CellKernelClient(AsyncKernelClient):
    """An asynchronous kernel client whose ``execute`` sends the id and tags of ``cell`` (when set)."""

    cell: Any = None

    def execute(self, code: str, silent: bool = False, store_history: bool = True,
                user_expressions: dict[str, str] | None = None, allow_stdin: bool | None = None,
                stop_on_error: bool = True) -> str:
        cell = self.cell
        metadata = getattr(cell, "metadata", None) or {}
        return execute_request(self, code, cell_id=getattr(cell, "id", None), tags=metadata.get("tags", ()),
                               silent=silent, store_history=store_history, stop_on_error=stop_on_error,
                               user_expressions=user_expressions)


class ProvbridgeNotebookClient(NotebookClient):
    """An nbclient that runs the provbridge kernel (from memory, no installation needed) and sends each
    cell's id and tags with its execute_request."""

    kernel_pid: int | None = None

    def create_kernel_manager(self) -> AsyncKernelManager:
        self.kernel_name = KERNEL_NAME
        self.km = AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=ProvbridgeSpecManager(),
                                     client_class="provbridge.notebook.client.CellKernelClient",
                                     config=self.config, **transport_options())
        return self.km

    async def async_start_new_kernel(self, **kwargs: Any) -> None:
        await super().async_start_new_kernel(**kwargs)
        provisioner = getattr(self.km, "provisioner", None)
        pid = getattr(provisioner, "pid", None)
        self.kernel_pid = pid if isinstance(pid, int) else None

    async def async_execute_cell(self, cell: Any, cell_index: int, execution_count: int | None = None,
                                 store_history: bool = True) -> Any:
        kc = self.kc
        if isinstance(kc, CellKernelClient):
            kc.cell = cell
        try:
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        finally:
            if isinstance(kc, CellKernelClient):
                kc.cell = None
