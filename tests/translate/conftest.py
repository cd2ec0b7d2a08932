"""Fixtures of the translation tests: the synthetic trials shared with tests/export."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from provbridge.store.store import Store, open_store


def _fixtures() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "export" / "export_fixtures.py"
    if "export_fixtures" in sys.modules:
        return sys.modules["export_fixtures"]
    spec = importlib.util.spec_from_file_location("export_fixtures", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["export_fixtures"] = module
    spec.loader.exec_module(module)
    return module


synthetic = _fixtures()


@pytest.fixture(scope="module")
def tstore(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    directory = synthetic.build_store(tmp_path_factory.mktemp("translate"))
    with open_store(directory) as opened:
        yield opened
