"""The "Python 3 (provbridge)" kernelspec: a plain ipykernel that loads the provbridge extension at start."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from typing import Any

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager, NoSuchKernel

KERNEL_NAME = "provbridge"
DISPLAY_NAME = "Python 3 (provbridge)"


def kernel_argv(python: str | None = None) -> list[str]:
    """The kernel's command line: ipykernel with ``--ext=provbridge`` (IPKernelApp's extra extensions)."""
    return [python or sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}", "--ext=provbridge"]


def kernel_json(python: str | None = None, display_name: str = DISPLAY_NAME) -> dict[str, Any]:
    """The content of the kernelspec's ``kernel.json``."""
    return {
        "argv": kernel_argv(python),
        "display_name": display_name,
        "language": "python",
        "metadata": {"debugger": True},
    }


def _logo_files() -> list[str]:
    try:
        from ipykernel.kernelspec import RESOURCES
    except ImportError:  # pragma: no cover - ipykernel is required to run the kernel anyway
        return []
    return [os.path.join(RESOURCES, f) for f in sorted(os.listdir(RESOURCES)) if f.startswith("logo")]


def install(name: str = KERNEL_NAME, *, user: bool = False, prefix: str | None = None,
            display_name: str = DISPLAY_NAME, manager: KernelSpecManager | None = None) -> str:
    """Install the kernelspec (for the user, into ``prefix``, or system-wide) and return its directory."""
    manager = manager or KernelSpecManager()
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, name)
        os.mkdir(source)
        with open(os.path.join(source, "kernel.json"), "w", encoding="utf-8") as handle:
            json.dump(kernel_json(display_name=display_name), handle, indent=1)
        for logo in _logo_files():
            shutil.copy(logo, source)
        return str(manager.install_kernel_spec(source, kernel_name=name, user=user, prefix=prefix))


def remove(name: str = KERNEL_NAME, manager: KernelSpecManager | None = None) -> str:
    """Remove an installed kernelspec and return the directory removed; KeyError if there is none."""
    manager = manager or KernelSpecManager()
    try:
        return str(manager.remove_kernel_spec(name))
    except (KeyError, NoSuchKernel):
        raise KeyError(name) from None


class ProvbridgeSpecManager(KernelSpecManager):
    """Serves the provbridge kernelspec from memory (for this Python), whatever is installed; other
    names are looked up as usual. ``provbridge run`` uses it, so running needs no installation."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        if kernel_name == KERNEL_NAME:
            return KernelSpec(resource_dir="", **kernel_json())
        return super().get_kernel_spec(kernel_name)
