"""Our PROV-JSON reader on the ``prov`` wheel's malformed PROV-JSON files: each is a one-line FormatError."""

from __future__ import annotations

from pathlib import Path

import pytest

from provbridge.errors import FormatError
from provbridge.provdm.provjson import loads
from tests.imports.malformed import malformed_files

MESSAGES = {
    "bad_bundle_shape.json": "PROV-JSON: bundle must be an object of bundles",
    "bad_prefix_map.json": "PROV-JSON: the prefix of the document must be an object of prefix: IRI members",
    "bad_record_content.json": "PROV-JSON: record 'ex:e1' must be an object",
    "bad_record_shape.json": "PROV-JSON: entity must be an object of records",
    "bad_typed_literal.json": 'PROV-JSON: cannot read the attribute value {"type":"xsd:string"}',
    "empty.json": "not valid JSON (Input is a zero-length, empty document: line 1 column 1 (char 0))",
    "not_json.json": "not valid JSON (unexpected character, expected a string key: line 1 column 2 (char 1))",
    "top_level_list.json": "PROV-JSON: the document must be a JSON object",
    "top_level_scalar.json": "PROV-JSON: the document must be a JSON object",
    "unknown_record_type.json": "PROV-JSON: unknown record type 'notarealtype'",
}


@pytest.mark.parametrize("path", malformed_files(".json"), ids=lambda p: p.name)
def test_malformed_prov_json_gives_a_one_line_error(path: Path) -> None:
    with pytest.raises(FormatError) as caught:
        loads(path.read_bytes())
    assert str(caught.value) == MESSAGES[path.name]


@pytest.mark.parametrize(("text", "message"), [
    ('{"bundle": {"ex:b": {"prefix": [1]}}}', "PROV-JSON: the prefix of bundle 'ex:b' must be an object of prefix: "
                                              "IRI members"),
    ('{"prefix": {"ex": 1}}', "PROV-JSON: prefix 'ex' of the document must name an IRI string"),
    ('{"entity": {"ex:e": {"ex:a": {"$": {}}}}}', 'PROV-JSON: cannot read the attribute value {"$":{}}'),
    ('{"entity": {"ex:e": {"ex:a": {"$": "x", "lang": 3}}}}',
     'PROV-JSON: the type and lang of {"$":"x","lang":3} must be strings'),
    ('{"entity": {"ex:e": {"ex:a": [[1]]}}}', "PROV-JSON: cannot read the attribute value [1]"),
    ('{"hadMember": {"_:m": {"prov:collection": "ex:c", "prov:entity": [1]}}}',
     "PROV-JSON: argument prov:entity of '_:m' must be a string"),
])
def test_other_malformed_shapes(text: str, message: str) -> None:
    with pytest.raises(FormatError) as caught:
        loads(text)
    assert str(caught.value) == message
