"""A trial's representation is read once with it, and its translation part never refuses its records."""

from __future__ import annotations

from pathlib import Path

from provbridge.api import open_store
from provbridge.imports import import_document
from provbridge.translate import Statement, translate
from provbridge.translate.representation import representation_of

DOCUMENT = """@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix ex: <http://example.org/> .
ex:out a prov:Entity ; prov:wasDerivedFrom ex:in .
ex:in a prov:Entity .
"""


def test_imported_trial_is_a_stored_graph_and_its_records_are_its_triples(tmp_path: Path) -> None:
    path = tmp_path / "doc.ttl"
    path.write_text(DOCUMENT, encoding="utf-8")
    with open_store(tmp_path / ".provbridge", create=True) as store:
        (imported,) = import_document(store, path, progress=False)
        trial = store.trial(imported.id)
        assert trial.representation == "graph"
        assert representation_of(trial).backward_query == "backward_prov"
        part = translate(trial).parts[0]
        records = sorted(part.records())
        assert records == sorted([
            Statement("<http://example.org/out>", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
                      "<http://www.w3.org/ns/prov#Entity>"),
            Statement("<http://example.org/out>", "<http://www.w3.org/ns/prov#wasDerivedFrom>",
                      "<http://example.org/in>"),
            Statement("<http://example.org/in>", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
                      "<http://www.w3.org/ns/prov#Entity>"),
        ])
        seen: list[str] = []
        store.conn.set_trace_callback(seen.append)
        for _ in range(3):
            assert trial.representation == "graph"
            assert representation_of(trial).name == "graph"
        store.conn.set_trace_callback(None)
        assert seen == []  # chosen once, when the Trial was read: no query per call
