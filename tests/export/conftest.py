"""Fixtures of the export tests: a store with synthetic script, notebook and failed trials, and exports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from export_fixtures import build_store

from provbridge.api import Store, Trial, open_store
from provbridge.export import export_bytes

FORMATS = ("json", "jsonld", "ttl", "trig", "nq", "nt", "xml", "provn")


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    directory = build_store(tmp_path_factory.mktemp("export"))
    with open_store(directory) as opened:
        yield opened


@pytest.fixture(scope="session")
def trials(store: Store) -> list[Trial]:
    return store.trials()


@pytest.fixture(scope="session")
def script(trials: list[Trial]) -> Trial:
    return trials[0]


@pytest.fixture(scope="session")
def exports(trials: list[Trial]) -> dict[str, bytes]:
    """Every format's export of the three trials together."""
    return {fmt: export_bytes(trials, fmt) for fmt in FORMATS}


@pytest.fixture(scope="session")
def prov_schemas() -> Path:
    import prov

    return Path(prov.__file__).parent / "tests" / "schemas"


@pytest.fixture(scope="session")
def repo_schemas() -> Path:
    return Path(__file__).resolve().parents[2] / "schemas"
