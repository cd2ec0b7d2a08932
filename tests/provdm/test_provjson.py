"""PROV-JSON: the whole PROV-JSON corpus of the prov wheel reads, writes byte-stably and reads back the
same records; the prov package reads our output as the same document."""

from __future__ import annotations

import warnings

import pytest

from provbridge.errors import FormatError
from provbridge.provdm import provjson
from provbridge.provdm.model import PROV, XSD, Literal, canonical
from tests.provdm.documents import corpus_files


def test_corpus_round_trips_byte_stably() -> None:
    files = corpus_files("json", ".json")
    assert len(files) == 398
    for path in files:
        document = provjson.loads(path.read_bytes())
        data = provjson.dumps(document)
        again = provjson.loads(data)
        assert canonical(again) == canonical(document), path.name
        assert provjson.dumps(again) == data, path.name


def test_the_prov_package_reads_our_output_as_the_source() -> None:
    from prov.model import ProvDocument

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in corpus_files("json", ".json")[::20]:
            ours = ProvDocument.deserialize(content=provjson.dumps(provjson.loads(path.read_bytes())), format="json")
            assert ours == ProvDocument.deserialize(source=str(path), format="json"), path.name


def test_values() -> None:
    document = provjson.loads(b'{"prefix": {"ex": "http://ex/"}, "entity": {"ex:e": {'
                              b'"ex:n": 3, "ex:q": {"$": "ex:x", "type": "prov:QUALIFIED_NAME"}, '
                              b'"prov:label": [{"$": "hi", "lang": "en"}, "plain"], "ex:t": true}}}')
    assert set(document.records[0].attrs) == {
        ("http://ex/n", Literal("3", XSD + "int")), ("http://ex/q", "http://ex/x"),
        (PROV + "label", Literal("hi", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString", "en")),
        (PROV + "label", Literal("plain")), ("http://ex/t", Literal("true", XSD + "boolean"))}


BAD = [b"[]", b'{"entity": []}', b'{"wasFooBy": {}}', b'{"used": {"_:u": {"prov:entity": 3}}}']


@pytest.mark.parametrize("data", BAD)
def test_bad_documents_are_one_line_errors(data: bytes) -> None:
    with pytest.raises(FormatError) as caught:
        provjson.loads(data)
    assert "\n" not in str(caught.value) and str(caught.value).startswith(("PROV-JSON", "not valid"))
