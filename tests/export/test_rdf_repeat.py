"""pb:repeatOf: a re-run trial (tagged ``repeat-of=<uuid>`` by ``provbridge repeat``) points at the trial it
repeated, in PROV-O and as a valid attribute in every PROV-DM format."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
from export_fixtures import build_store

from provbridge.export import export_bytes
from provbridge.export.validation import validate
from provbridge.store.db import DB_NAME
from provbridge.store.store import Store, Trial, open_store
from provbridge.translate.iris import trial_namespace

PB = "https://w3id.org/provbridge/ns#"
REPEAT_OF = pyoxigraph.NamedNode(PB + "repeatOf")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The synthetic trials, the third tagged as the repeat of the first (as ``provbridge repeat`` tags it)
    and with a ``repeat-of`` tag that names no trial, which gives no pb:repeatOf."""
    directory = build_store(tmp_path_factory.mktemp("repeat"))
    with sqlite3.connect(directory / DB_NAME) as conn:
        (first,), (third_id, third) = (conn.execute("SELECT uuid FROM trials WHERE id = 1").fetchone(),
                                       conn.execute("SELECT id, uuid FROM trials WHERE id = 3").fetchone())
        conn.executemany("INSERT INTO tags (trial_id, subject_kind, subject, name, value) VALUES (?, 'trial', ?, ?, ?)",
                         [(third_id, third, "repeat-of", first), (third_id, third, "repeat-of", "yesterday's")])
    conn.close()
    with open_store(directory) as opened:
        yield opened


def repeats(data: bytes) -> set[tuple[str, str, str]]:
    return {(q.subject.value, q.object.value, q.graph_name.value)  # type: ignore[union-attr]
            for q in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_QUADS) if q.predicate == REPEAT_OF}


def test_nquads_has_the_repeat_of_triple(store: Store) -> None:
    original, _, rerun = store.trials()
    ns = trial_namespace(rerun.uuid)
    expected = (ns + "trial", trial_namespace(original.uuid) + "trial", ns + "bundle")
    assert repeats(export_bytes(rerun, "nq")) == {expected}
    assert repeats(export_bytes([original, rerun], "nq")) == repeats(export_bytes(rerun, "nq"))
    assert repeats(export_bytes(original, "nq")) == set()


def test_repeat_of_follows_the_iri_base(store: Store) -> None:
    original, _, rerun = store.trials()
    base = "https://example.org/runs/{uuid}/"
    assert repeats(export_bytes(rerun, "nq", base=base)) == {(
        f"https://example.org/runs/{rerun.uuid}/trial", f"https://example.org/runs/{original.uuid}/trial",
        f"https://example.org/runs/{rerun.uuid}/bundle")}


def test_prov_json_carries_an_any_uri(store: Store) -> None:
    original, _, rerun = store.trials()
    document = json.loads(export_bytes(rerun, "json"))
    (bundle,) = document["bundle"].values()
    trial = next(attrs for attrs in bundle["activity"].values() if "pb:repeatOf" in attrs)
    assert trial["pb:repeatOf"] == {"$": trial_namespace(original.uuid) + "trial", "type": "xsd:anyURI"}
    assert trial["pb:tag"] == ["repeat-of=" + original.uuid, "repeat-of=yesterday's"]


@pytest.mark.parametrize("fmt", ["json", "xml", "provn", "nq", "trig", "ttl", "jsonld"])
def test_exports_with_repeat_of_are_valid(store: Store, tmp_path: Path, fmt: str) -> None:
    rerun: Trial = store.trials()[2]
    path = tmp_path / f"rerun.{fmt}"
    path.write_bytes(export_bytes(rerun, fmt))
    assert validate(path) == (validate(path)[0], [])
    assert b"repeatOf" in path.read_bytes()
