"""PROV-XML against the W3C XSD (from the prov wheel) and PROV-N, both read back by the prov package."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import prov
from lxml import etree

from provbridge.export import to_prov
from provbridge.store.store import Trial


def read(data: bytes, fmt: str) -> prov.model.ProvDocument:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return prov.read(io.BytesIO(data), format=fmt)


def test_xml_valid_against_w3c_xsd(exports: dict[str, bytes], prov_schemas: Path) -> None:
    schema = etree.XMLSchema(etree.parse(str(prov_schemas / "prov.xsd")))
    root = etree.fromstring(exports["xml"])
    assert schema.validate(root), schema.error_log
    ns = {"prov": "http://www.w3.org/ns/prov#"}
    assert len(root.findall("prov:bundleContent", ns)) == 3
    tags = ("entity", "plan", "collection")
    entities = [e for tag in tags for e in root.findall(f"prov:bundleContent/prov:{tag}", ns)]
    assert len(entities) == 40 + 9 + 3 + 17 + 3  # + 12, 3 and 2 operation steps; 3 file contents
    assert len(root.findall("prov:bundleContent/prov:collection", ns)) == 1  # the environment


def test_xml_xsd_rejects_a_broken_document(exports: dict[str, bytes], prov_schemas: Path) -> None:
    schema = etree.XMLSchema(etree.parse(str(prov_schemas / "prov.xsd")))
    broken = exports["xml"].replace(b"<prov:activity prov:id=", b"<prov:activity prov:idx=", 1)
    assert not schema.validate(etree.fromstring(broken))


def test_xml_and_provn_read_back_equal(trials: list[Trial], exports: dict[str, bytes]) -> None:
    built = to_prov(trials)
    for fmt in ("xml", "provn"):
        document = read(exports[fmt], fmt)
        assert document == built, fmt
        assert built == document, fmt


def test_provn_text(exports: dict[str, bytes], trials: list[Trial]) -> None:
    text = exports["provn"].decode()
    assert text.startswith("document\n") and text.rstrip().endswith("endDocument")
    assert text.count("\n  bundle ") == 3
    p = "t" + trials[0].uuid.replace("-", "")[:8]
    assert f"wasDerivedFrom({p}:v14, {p}:f2-before" in text
    assert "prov:type='prov:Revision'" in text or 'prov:type="prov:Revision"' in text or "prov:Revision" in text
