"""``provbridge kernel install|remove`` and the kernelspec it writes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from jupyter_client.kernelspec import KernelSpecManager

from provbridge.notebook.kernelspec import DISPLAY_NAME, ProvbridgeSpecManager


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "provbridge", "kernel", *args], capture_output=True, text=True,
                          timeout=120)


def test_install_and_remove(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "share" / "jupyter"))
    done = cli("install", "--prefix", str(tmp_path), "--name", "pb-test")
    assert done.returncode == 0, done.stderr
    spec_dir = tmp_path / "share" / "jupyter" / "kernels" / "pb-test"
    spec = json.loads((spec_dir / "kernel.json").read_text())
    assert spec["display_name"] == DISPLAY_NAME and spec["language"] == "python"
    assert spec["argv"] == [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                            "--ext=provbridge"]
    assert KernelSpecManager().get_kernel_spec("pb-test").display_name == DISPLAY_NAME
    assert cli("remove", "--name", "pb-test").returncode == 0
    assert not spec_dir.exists()
    again = cli("remove", "--name", "pb-test")
    assert again.returncode == 2 and again.stderr.startswith("provbridge: error: no kernelspec named 'pb-test'")


def test_runs_use_an_in_memory_spec_for_this_python() -> None:
    spec = ProvbridgeSpecManager().get_kernel_spec("provbridge")
    assert spec.argv[0] == sys.executable and "--ext=provbridge" in spec.argv
