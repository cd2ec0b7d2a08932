"""Exports of imported trials to PROV-JSON, PROV-XML and PROV-N go through provbridge.provdm: the failures
issue 21 lists are each checked (two associations, subclass-typed times, bundles, blank nodes, XSD-valid
names, stable prefixes), on a CWLProv-like run, an Alpaca-like run and the prov wheel's corpus."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from provbridge.errors import FormatError
from provbridge.export import export_bytes
from provbridge.imports import import_document
from provbridge.provdm import provjson, provxml
from provbridge.provdm.model import PROV, XSD_DATETIME, Literal, Record
from provbridge.provdm.provn_read import read_provn
from provbridge.store.store import Store, Trial, open_store
from tests.provdm.documents import (
    ALPACA_TTL,
    ASSOCIATIONS_TTL,
    BUNDLE_TTL,
    CORPUS,
    CWLPROV_TRIG,
    SHARED_ASSOCIATION_TTL,
    corpus_files,
)

EX = "http://example.org/run/"
RUN = "urn:uuid:8f5e0c1a-0000-4000-8000-000000000001"
SCHEMA = etree.XMLSchema(etree.parse(str(CORPUS / "schemas" / "prov.xsd")))


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("provmodel") / ".provbridge"


@pytest.fixture(scope="module")
def store(store_dir: Path) -> Iterator[Store]:
    opened = open_store(store_dir, create=True)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def cwlprov(store: Store) -> list[Trial]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return import_document(store, io.BytesIO(CWLPROV_TRIG.encode()), "trig", progress=False)


@pytest.fixture(scope="module")
def alpaca(store: Store) -> list[Trial]:
    return import_document(store, io.BytesIO(ALPACA_TTL.encode()), "ttl", progress=False)


@pytest.fixture(scope="module")
def associations(store: Store) -> list[Trial]:
    return import_document(store, io.BytesIO(ASSOCIATIONS_TTL.encode()), "ttl", progress=False)


@pytest.fixture(scope="module")
def shared(store: Store) -> list[Trial]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return import_document(store, io.BytesIO(SHARED_ASSOCIATION_TTL.encode()), "ttl", progress=False)


@pytest.fixture(scope="module")
def bundle(store: Store) -> list[Trial]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return import_document(store, io.BytesIO(BUNDLE_TTL.encode()), "ttl", progress=False)


def records(trials: list[Trial], fmt: str) -> list[Record]:
    data = export_bytes(trials, fmt)
    document = {"json": provjson.loads, "xml": provxml.loads, "provn": read_provn}[fmt](data)
    return [record for _, record in document.all_records()]


@pytest.mark.parametrize("fmt", ["json", "xml", "provn"])
def test_two_associations_keep_their_plans(associations: list[Trial], cwlprov: list[Trial], fmt: str) -> None:
    for trials in (associations, cwlprov):  # named association nodes, then blank ones
        found = [(str(r.arg("prov:agent")), str(r.arg("prov:plan")))
                 for r in records(trials, fmt) if r.kind == "wasAssociatedWith"]
        assert sorted(found) == [(EX + "ada", EX + "job.yml"), (EX + "cwltool", EX + "main.cwl")]


@pytest.mark.parametrize("fmt", ["json", "xml", "provn"])
def test_times_of_nodes_typed_by_other_vocabularies_are_kept(alpaca: list[Trial], cwlprov: list[Trial],
                                                             fmt: str) -> None:
    execution = next(r for r in records(alpaca, fmt) if r.kind == "activity")
    assert execution.args == (("prov:startTime", Literal("2022-05-02T12:34:56.123456", XSD_DATETIME)),
                              ("prov:endTime", Literal("2022-05-02T12:34:57.000001", XSD_DATETIME)))
    assert ("http://alpaca.example/ontology#executionOrder", Literal("1", "http://www.w3.org/2001/XMLSchema#integer")
            ) in execution.attrs
    step = next(r for r in records(cwlprov, fmt) if r.id == EX + "step1")
    assert step.arg("prov:endTime") == Literal("2024-05-01T10:00:03+00:00", XSD_DATETIME)


@pytest.mark.parametrize("fmt", ["json", "xml", "provn"])
def test_bundle_nodes_and_their_metadata_are_kept(bundle: list[Trial], fmt: str) -> None:
    found = records(bundle, fmt)
    described = next(r for r in found if r.id == EX + "provenance")
    assert described.kind == "entity" and described.types == [PROV + "Bundle"]
    assert any(r.kind == "wasAttributedTo" and r.arg("prov:entity") == EX + "provenance" for r in found)
    assert any(r.kind == "wasGeneratedBy" and r.arg("prov:entity") == EX + "provenance" for r in found)
    mention = next(r for r in found if r.kind == "mentionOf")
    assert mention.arg("prov:bundle") == EX + "provenance"


@pytest.mark.parametrize("fmt", ["json", "xml", "provn"])
def test_a_blank_node_entity_is_exported_with_a_stable_id(cwlprov: list[Trial], fmt: str) -> None:
    blank = [r for r in records(cwlprov, fmt) if r.kind == "entity" and r.id and "/.well-known/genid/" in r.id]
    assert [r.attr_values(PROV + "label") for r in blank] == [[Literal("input.txt")]]
    used = next(r for r in records(cwlprov, fmt) if r.kind == "used")
    assert used.arg("prov:entity") == blank[0].id


def test_xml_of_ids_that_are_not_xml_names_is_xsd_valid(cwlprov: list[Trial]) -> None:
    data = export_bytes(cwlprov, "xml")
    assert SCHEMA.validate(etree.fromstring(data)), SCHEMA.error_log.last_error
    assert b'prov:id="ex_x:_x0031_2345"' in data  # ex:12345 ends with no XML name: escaped, decoded on reading
    assert {RUN, EX + "12345"} <= {r.id for r in records(cwlprov, "xml")}  # urn:uuid:8 + f5e0c1a-...: exact


def test_every_imported_corpus_trial_exports_xsd_valid_xml(store: Store) -> None:
    paths = corpus_files("xml", ".xml") + corpus_files("jsonld", ".jsonld")
    checked = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in paths:
            try:
                trials = import_document(store, path, progress=False)
            except FormatError:
                continue
            for trial in trials:
                data = export_bytes(trial, "xml")
                assert SCHEMA.validate(etree.fromstring(data)), (path.name, str(SCHEMA.error_log.last_error))
                checked += 1
    assert checked >= 36


def test_export_twice_gives_the_same_bytes_across_processes(cwlprov: list[Trial], shared: list[Trial],
                                                             alpaca: list[Trial], store_dir: Path,
                                                             tmp_path: Path) -> None:
    outputs: dict[tuple[str, str], list[bytes]] = {}
    for name, trials in (("shared", shared + alpaca), ("cwlprov", cwlprov)):
        for seed in ("1", "2", "3"):
            for fmt in ("json", "xml", "provn"):
                out = tmp_path / f"{name}{seed}.{fmt}"
                env = {**os.environ, "PYTHONHASHSEED": seed}
                command = [sys.executable, "-m", "provbridge", "--store", str(store_dir), "export",
                           *[str(t.id) for t in trials], "-o", str(out)]
                subprocess.run(command, check=True, env=env, capture_output=True, timeout=120)
                outputs.setdefault((name, fmt), []).append(out.read_bytes())
    for key, found in outputs.items():
        assert len(set(found)) == 1, key
    assert b'"ex": "http://example.org/run/"' in outputs["cwlprov", "json"][0]  # the source's prefix, not ns1
    associations = [line for line in outputs["shared", "provn"][0].splitlines() if b"ex:assoc" in line]
    assert associations == [b"    wasAssociatedWith(ex:assoc; ex:run, ex:ada, ex:main.cwl)",
                            b"    wasAssociatedWith(ex:assoc; ex:run, ex:cwltool, ex:main.cwl)"]


def test_what_cannot_be_expressed_is_warned_not_dropped(store: Store) -> None:
    text = b"@prefix ex: <http://example.org/> . @prefix prov: <http://www.w3.org/ns/prov#> .\n" \
           b"ex:a a prov:Activity ; prov:used ex:e . ex:lab ex:city \"Paris\" .\n"
    trials = import_document(store, io.BytesIO(text), "ttl", progress=False)
    with pytest.warns(UserWarning, match="nodes with no PROV type or PROV property, kept as entities: "
                                         "<http://example.org/lab>"):
        data = export_bytes(trials, "json")
    assert b'"example:city": "Paris"' in data or b'"ex:city": "Paris"' in data
