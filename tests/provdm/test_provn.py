"""PROV-N writer: byte-stable, read back the same by our PROV-N reader and parsed by the prov package."""

from __future__ import annotations

import warnings

from provbridge.provdm import provjson, provn
from provbridge.provdm.model import Document, Literal, Record, canonical
from provbridge.provdm.provn_read import read_provn
from tests.provdm.documents import corpus_files


def test_corpus_json_to_provn_and_back() -> None:
    refused = []
    for path in corpus_files("json", ".json"):
        document = provjson.loads(path.read_bytes())
        data, notes = provn.dumps_with_warnings(document)
        if notes:  # a required argument missing: PROV-N cannot say it
            assert all("which PROV-N requires" in n for n in notes), path.name
            refused.append(path.name)
            continue
        again = read_provn(data)
        assert canonical(again) == canonical(document), path.name
        assert provn.dumps(again) == data, path.name
    assert len(refused) == 18


def test_the_prov_package_parses_our_provn() -> None:
    from prov.model import ProvDocument

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in corpus_files("json", ".json")[::15]:
            data, notes = provn.dumps_with_warnings(provjson.loads(path.read_bytes()))
            if not notes:
                assert ProvDocument.deserialize(content=data.decode(), format="provn") is not None, path.name


def test_escapes_and_markers() -> None:
    record = Record.make("used", "http://ex/u(1)", {"prov:activity": "http://ex/a"},
                         [("http://ex/note", Literal('say "hi"\n')), ("http://ex/n", Literal("2", "http://www.w3.org/"
                                                                                            "2001/XMLSchema#int"))])
    data = provn.dumps(Document(namespaces=(("ex", "http://ex/"),), records=(record,)))
    assert data == (b'document\n  prefix ex <http://ex/>\n  prefix xsd <http://www.w3.org/2001/XMLSchema#>\n'
                    b'  used(ex:u\\(1\\); ex:a, -, -, [ex:note="say \\"hi\\"\\n", ex:n="2" %% xsd:int])\nendDocument\n')
    assert canonical(read_provn(data)) == canonical(Document(records=(record,)))
