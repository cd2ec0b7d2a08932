"""``validate``: every export is valid; broken documents give one problem per line."""

from __future__ import annotations

from pathlib import Path

import pytest

from provbridge.export.validation import validate

FORMATS = ("json", "jsonld", "ttl", "trig", "nq", "nt", "xml", "provn")


@pytest.mark.parametrize("fmt", FORMATS)
def test_exports_are_valid(exports: dict[str, bytes], tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"doc.{fmt}"
    path.write_bytes(exports[fmt])
    chosen, problems = validate(path)
    assert chosen.name == fmt
    assert problems == []
    unnamed = tmp_path / "doc.data"  # the format is guessed from the content
    unnamed.write_bytes(exports[fmt])
    guessed = {"ttl": {"ttl", "trig"}, "nt": {"nq"}}.get(fmt, {fmt})  # N-Triples is read as N-Quads
    assert validate(unnamed)[0].name in guessed


def test_problems_are_reported(exports: dict[str, bytes], tmp_path: Path) -> None:
    bad_json = tmp_path / "bad.json"
    bad_json.write_bytes(exports["json"].replace(b'"wasGeneratedBy"', b'"wasGeneratedBy2"', 1))
    problems = validate(bad_json)[1]
    assert problems and all("\n" not in p for p in problems)
    assert any("wasGeneratedBy2" in p for p in problems)
    bad_xml = tmp_path / "bad.xml"
    bad_xml.write_bytes(exports["xml"].replace(b"prov:id=", b"prov:idx=", 1))
    assert any(p.startswith("schema: line") for p in validate(bad_xml)[1])
    not_xml = tmp_path / "broken.xml"
    not_xml.write_bytes(b"<prov:document")
    assert validate(not_xml)[1][0].startswith("xml: not well-formed")
    bad_ttl = tmp_path / "bad.ttl"
    bad_ttl.write_bytes(exports["ttl"] + b"\n<urn:a> <urn:b> .\n")
    assert validate(bad_ttl)[1][0].startswith("ttl: ")
    shapes = tmp_path / "shapes.nq"
    shapes.write_bytes(b"\n".join(line for line in exports["nq"].split(b"\n") if b"endedAtTime" not in line))
    problems = validate(shapes)[1]
    assert len(problems) == 3  # the three trials lost their end time
    assert all(p.startswith("shapes: <https://w3id.org/provbridge/trial/") and "endedAtTime" in p for p in problems)
