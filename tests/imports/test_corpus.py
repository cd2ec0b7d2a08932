"""The public PROV corpus of the ``prov`` wheel: every document is imported, with export -> re-import giving
an isomorphic graph, or rejected with a one-line message; the malformed cases are all rejected."""

from __future__ import annotations

import logging
import warnings
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from provbridge.errors import FormatError
from provbridge.imports import import_document
from provbridge.store.store import Store, open_store
from tests.imports.corpus import (
    CORPUS,
    GRAPH_FORMATS,
    MERGED_FORMATS,
    PROV_FORMATS,
    corpus_files,
    import_corpus,
    round_trip,
)

RDF_FORMATS = GRAPH_FORMATS + MERGED_FORMATS
ALL_FORMATS = RDF_FORMATS + PROV_FORMATS

# directory -> (formats every imported document is round-tripped through, expected counts). Import and the
# exports to PROV-JSON/PROV-XML/PROV-N all go through provbridge's own PROV-DM model and PROV-O mapping
# (provbridge.provdm); RDF exports copy the stored triples. "equivalent": isomorphic but for the listed
# differences of the prov package's PROV-O (corpus.prov_o_form: rdf:type literals, implied shortcuts not
# written); "different": the scruffy documents that reuse an id with conflicting arguments (invalid PROV,
# read as several records sharing the id). Rejected imports are documents our PROV-N reader refuses (a
# required argument given as '-', undeclared prefixes, PROV-N extensions); "provn rejected": PROV-XML
# documents with unprefixed xsd:QName values, which the PROV-N writer cannot yet declare. The three large
# directories run N-Quads and PROV-JSON on every document, every format on a sample
# (test_corpus_sample_all_formats).
EXPECTED: dict[str, tuple[tuple[str, ...], dict[str, int]]] = {
    "json": (("nq", "json"), {"imported": 398, "nq isomorphic": 398, "json isomorphic": 394, "json different": 4}),
    "xml": (ALL_FORMATS, {"imported": 43, "rejected": 1, **{f"{f} isomorphic": 43 for f in RDF_FORMATS},
                          "json isomorphic": 43, "provn isomorphic": 31, "provn rejected": 12,
                          "xml isomorphic": 42, "xml different": 1}),
    "rdf": (("nq", "json"), {"imported": 402, "nq isomorphic": 402, "json isomorphic": 199, "json equivalent": 199,
                             "json different": 4}),
    "provn": (("nq", "json"), {"imported": 480, "rejected": 44, "nq isomorphic": 480, "json isomorphic": 476,
                               "json different": 4}),
    "jsonld": (ALL_FORMATS, {"imported": 5, **{f"{f} isomorphic": 5 for f in ALL_FORMATS}}),
}
SAMPLE = 25  # every 25th document of json/, rdf/ and provn/ through every format


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    opened = open_store(tmp_path_factory.mktemp("corpus") / ".provbridge", create=True)
    yield opened
    opened.close()


@pytest.fixture(autouse=True)
def quiet() -> Iterator[None]:
    """rdflib logs a traceback for each literal it cannot convert (the corpus has some on purpose)."""
    logging.disable(logging.CRITICAL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield
    logging.disable(logging.NOTSET)


@pytest.mark.parametrize("directory", list(EXPECTED))
def test_corpus_round_trip(store: Store, directory: str) -> None:
    formats, expected = EXPECTED[directory]
    counts, messages = import_corpus(store, directory, formats)
    print(f"\nprov corpus {directory}/: {counts['imported']} imported, {counts['rejected']} rejected; "
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if " " in k))
    assert dict(counts) == expected
    assert all("\n" not in m and m.startswith(str(CORPUS / directory)) for m in messages)


def test_corpus_sample_all_formats(store: Store) -> None:
    counts: Counter[str] = Counter()
    for directory in ("json", "rdf", "provn"):
        for path in corpus_files(directory)[::SAMPLE]:
            try:
                trials = import_document(store, path, progress=False)
            except FormatError:
                counts["rejected"] += 1
                continue
            counts["imported"] += 1
            for fmt in ALL_FORMATS:
                counts[f"{fmt} {round_trip(store, trials, fmt)}"] += 1
    print(f"\nprov corpus sample: {dict(sorted(counts.items()))}")
    assert dict(counts) == {"imported": 53, "rejected": 1, **{f"{f} isomorphic": 53 for f in RDF_FORMATS},
                            "json isomorphic": 44, "json equivalent": 8, "json different": 1,
                            "provn isomorphic": 43, "provn equivalent": 8, "provn different": 1, "provn rejected": 1,
                            "xml isomorphic": 40, "xml equivalent": 6, "xml different": 7}


def test_malformed_all_rejected(store: Store) -> None:
    before = store.conn.execute("SELECT count(*) FROM trials").fetchone()[0]
    rejected: Counter[str] = Counter()
    for path in sorted((CORPUS / "malformed").iterdir()):
        with pytest.raises(FormatError) as caught:
            import_document(store, path, progress=False)
        message = str(caught.value)
        assert "\n" not in message and message.startswith(f"{path}: ")
        rejected[Path(path).suffix] += 1
    print(f"\nprov corpus malformed/: {sum(rejected.values())} rejected ({dict(rejected)})")
    assert sum(rejected.values()) == 17
    assert store.conn.execute("SELECT count(*) FROM trials").fetchone()[0] == before


def test_rejection_messages(store: Store) -> None:
    def error(name: str) -> str:
        with pytest.raises(FormatError) as caught:
            import_document(store, CORPUS / "malformed" / name, progress=False)
        return str(caught.value).split(": ", 1)[1]

    assert error("not_turtle.ttl").startswith("not valid ttl (Parser error at line 1 column 2")
    assert error("foreign_vocabulary.ttl") == (
        "the document holds no PROV records (5 triples, none in the PROV-O vocabulary)")
    assert error("empty.rdf") == "holds no PROV records (empty document)"
    assert error("not_json.json").startswith("not valid json (Expecting property name")
